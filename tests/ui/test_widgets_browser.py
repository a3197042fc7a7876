"""The widgets in a real JupyterLab and Chromium: display, edit through the UI, save.

Each test opens a notebook in a fresh workspace URL, runs it, edits through the widget as a
person would (drag, keys, inputs), checks the kernel-side object changed (code run in the same
kernel), clicks the widget's Save button and checks ``aipo.yaml`` on disk: the edit is there
and the comments are intact. Screenshots of every widget go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import uuid

import lab
import pytest

pytestmark = pytest.mark.browser

# Comments of the support-summaries example that a save must keep.
COMMENTS = ["# overdue: was due before the team-by-team stage"]


def _nb(folder, setup: str, show: str) -> str:
    return lab.widget_notebook(folder, f"t-{uuid.uuid4().hex[:8]}.ipynb", setup, show)


def _save_and_read(page, widget, path, comments=None):
    before = path.read_text(encoding="utf-8")
    widget.get_by_role("button", name="Save", exact=True).click()
    # "warn": saved, and a comment beside a changed value was kept (it may be stale).
    widget.locator(".aipo-status-ok, .aipo-status-warn").wait_for(timeout=lab.ROUND_TRIP_MS)
    after = path.read_text(encoding="utf-8")
    assert after != before
    for c in comments or COMMENTS:
        assert c in after, f"comment lost by the save: {c}"
    return before, after


def _changed_lines(before: str, after: str) -> list[str]:
    import difflib

    return [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="",
                                             n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


def _kernel(page, code: str) -> str:
    out = lab.run_code(page, code)
    assert "ERROR" not in out, out
    return out.strip()


# --------------------------------------------------------------------------------------------
# Risk matrix


def test_risk_matrix_drag_keyboard_save(lab_server, page, example_ws):
    nb = _nb(example_ws, "w = aw.RiskMatrixWidget(wf)", "w")
    lab.open_and_run(page, lab_server, nb, widgets=1)
    widget = page.locator(".aipo-risk").first
    lab.screenshot(widget, "risk_matrix")

    # R1 is rated residual L2 x I3 in the example: drag it to L5 x I5.
    chip = widget.locator(".aipo-chip[data-id='R1']").first
    assert chip.locator("xpath=ancestor::*[@role='gridcell']").get_attribute("data-l") == "2"
    target = widget.locator(".aipo-rm-cell[data-l='5'][data-i='5']")
    chip.drag_to(target)
    target.locator(".aipo-chip[data-id='R1']").wait_for(timeout=lab.ROUND_TRIP_MS)
    assert _kernel(page, "r = wf.workspace.risk('R1'); print(r.residual_likelihood, "
                         "r.residual_impact)") == "5 5"

    # Keyboard: focus R2 (residual L1 x I4) and press the up arrow: likelihood 2.
    widget.locator(".aipo-chip[data-id='R2']").first.focus()
    page.keyboard.press("ArrowUp")
    widget.locator(".aipo-rm-cell[data-l='2'][data-i='4'] .aipo-chip[data-id='R2']").wait_for(
        timeout=lab.ROUND_TRIP_MS)
    assert _kernel(page, "print(wf.workspace.risk('R2').residual_likelihood)") == "2"
    # Focus follows the chip, so a person can keep pressing keys.
    page.wait_for_function("document.activeElement && document.activeElement.dataset.id === 'R2'",
                           timeout=lab.ROUND_TRIP_MS)

    before, after = _save_and_read(page, widget, example_ws / "aipo.yaml")
    changed = _changed_lines(before, after)
    assert changed == [
        "-    residual_likelihood: 2", "-    residual_impact: 3",
        "+    residual_likelihood: 5", "+    residual_impact: 5",
        "-    residual_likelihood: 1", "+    residual_likelihood: 2",
    ], changed
    assert not page.js_errors


def test_risk_matrix_details_toggle_and_filter(lab_server, page, example_ws):
    nb = _nb(example_ws, "w = aw.RiskMatrixWidget(wf)", "w")
    lab.open_and_run(page, lab_server, nb, widgets=1)
    widget = page.locator(".aipo-risk").first
    # Inherent view: R1 is L3 x I4 there.
    widget.get_by_role("button", name="Inherent").click()
    widget.locator(".aipo-rm-cell[data-l='3'][data-i='4'] .aipo-chip[data-id='R1']").wait_for()
    # Details: change the owner through the panel.
    widget.locator(".aipo-chip[data-id='R1']").first.click()
    owner = widget.get_by_label("Owner of R1")
    owner.fill("Sam Lee")
    owner.press("Enter")
    page.wait_for_function("() => true")
    lab.wait_until(lambda: _kernel(page, "print(wf.workspace.risk('R1').owner)") == "Sam Lee")
    lab.screenshot(widget, "risk_matrix_details")
    # Category filter hides the other categories.
    widget.get_by_label("Category").select_option("model")
    cats = widget.locator(".aipo-rm-grid .aipo-chip[data-id]").evaluate_all(
        "els => els.map(e => e.dataset.id)")
    model_ids = json.loads(_kernel(page, "import json; print(json.dumps([r.id for r in "
                                         "wf.workspace.risks if r.category == 'model' and "
                                         "r.status != 'closed']))"))
    assert sorted(cats) == sorted(model_ids)
    assert not page.js_errors


def test_read_only_refuses_ui_and_forged_messages(lab_server, page, example_ws):
    nb = _nb(example_ws, "w = aw.RiskMatrixWidget(wf, read_only=True)", "w")
    lab.open_and_run(page, lab_server, nb, widgets=1)
    widget = page.locator(".aipo-risk").first
    assert widget.get_by_role("button", name="Save").count() == 0 or \
        not widget.get_by_role("button", name="Save").is_visible()
    chip = widget.locator(".aipo-chip[data-id='R1']").first
    assert chip.get_attribute("draggable") is None
    chip.focus()
    page.keyboard.press("ArrowUp")
    # A forged comm message straight over the kernel websocket: set read_only and move a risk.
    model_id = _kernel(page, "print(w.model_id)")
    page.evaluate("""async (commId) => {
        const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const send = (data) => {
            // A raw comm_msg on the shell channel, as any script holding the page could send.
            kernel.sendShellMessage({
                header: {msg_id: crypto.randomUUID(), msg_type: 'comm_msg', username: 'x',
                         session: kernel.clientId, date: new Date().toISOString(),
                         version: '5.3'},
                parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
                content: {comm_id: commId, data},
            }, false, true);
        };
        send({method: 'update', state: {read_only: false, view: {}}, buffer_paths: []});
        send({method: 'custom', content: {op: 'move', risk: 'R1', rating: 'residual',
                                          likelihood: 5, impact: 5}});
    }""", model_id)
    lab.wait_until(lambda: "read-only" in _kernel(page, "print(w.error)"))
    assert _kernel(page, "print(w.read_only, wf.workspace.risk('R1').residual_likelihood, "
                         "wf.changed)") == "True 2 False"
    lab.screenshot(widget, "risk_matrix_read_only")


# --------------------------------------------------------------------------------------------
# Metric tree


def test_metric_tree_edit_target_and_what_if(lab_server, page, example_ws):
    nb = _nb(example_ws, "w = aw.MetricTreeWidget(wf)", "w")
    lab.open_and_run(page, lab_server, nb, widgets=1)
    widget = page.locator(".aipo-tree").first
    lab.screenshot(widget, "metric_tree")
    row = widget.locator("tr[data-id='handle_time_min']")
    # Change the target in place: click the value, type, Enter.
    row.get_by_role("button", name="Target of Handling time per ticket").click()
    field = row.get_by_label("Target of Handling time per ticket")
    field.fill("12.5")
    field.press("Enter")
    row.get_by_role("button", name="Target of Handling time per ticket: 12.5. Edit").wait_for(
        timeout=lab.ROUND_TRIP_MS)
    assert _kernel(page, "print(wf.workspace.metric('handle_time_min').target)") == "12.5"
    # The progress the core computes moved with it (12.6 min against 17.7 -> 12.5).
    pct = round((17.7 - 12.6) / (17.7 - 12.5) * 100)
    assert row.locator(".aipo-mt-pct").inner_text() == f"{pct}%"

    # What-if: handling time 10 min; the root's what-if value is computed in the kernel.
    widget.get_by_role("button", name="What-if").click()
    wi = row.get_by_label("What-if value of Handling time per ticket")
    wi.fill("10")
    wi.press("Enter")
    wi.blur()
    root_cell = widget.locator("tr[data-id='cost_per_ticket'] .aipo-mt-whatif")
    root_cell.wait_for(timeout=lab.ROUND_TRIP_MS)
    expected = _kernel(page, "print(round(w.what_if({'handle_time_min': 10.0})['root_after'], 2))")
    assert root_cell.inner_text().startswith(expected)
    assert "better" in root_cell.inner_text()
    lab.screenshot(widget, "metric_tree_what_if")
    # What-if changed nothing in the workspace.
    assert _kernel(page, "print(wf.workspace.metric('handle_time_min').current)") == "12.6"

    before, after = _save_and_read(page, widget, example_ws / "aipo.yaml")
    assert _changed_lines(before, after) == [
        "-      target: 13.3  # 25 % less", "+      target: 12.5  # 25 % less"]
    # The comment was written for 13.3: kept, and the widget asks for a look at it.
    assert "'# 25 % less' beside metric_tree.nodes[handle_time_min].target was kept" in \
        widget.locator(".aipo-status-warn").inner_text()
    assert not page.js_errors


# --------------------------------------------------------------------------------------------
# Backlog


def test_backlog_change_factor_method_and_weight(lab_server, page, example_ws):
    nb = _nb(example_ws, "w = aw.BacklogWidget(wf)", "w")
    lab.open_and_run(page, lab_server, nb, widgets=1)
    widget = page.locator(".aipo-backlog").first
    lab.screenshot(widget, "backlog")
    rank_of = ("import json; v = w.view['columns']; "
               "print(json.dumps(dict(zip(v['id'], v['rank']))))")
    ranks = json.loads(_kernel(page, rank_of))
    assert ranks["B12"] == 9  # last: low confidence, high harm risk, 4 person-months

    # Raise B12's confidence to 1 and cut its effort to 1: it climbs, the UI follows it. The
    # factors are columns in a wide notebook and in the item's details in a narrow one.
    def factor(name):
        if "aipo-bl-compact" in (widget.get_attribute("class") or "") and \
                widget.get_by_label(f"{name} of B12").count() == 0:
            widget.locator(".aipo-bl-row[data-id='B12'] .aipo-bl-id").click()
        return widget.get_by_label(f"{name} of B12")
    conf = factor("confidence")
    conf.fill("1")
    conf.press("Enter")
    lab.wait_until(lambda: _kernel(page, "print(wf.workspace.backlog[11].confidence)") == "1.0")
    mid_rank = json.loads(_kernel(page, rank_of))["B12"]
    effort = factor("effort")
    effort.fill("1")
    effort.press("Enter")
    lab.wait_until(lambda: json.loads(_kernel(page, rank_of))["B12"] < 9)
    new_rank = json.loads(_kernel(page, rank_of))["B12"]
    widget.locator(f".aipo-bl-row[data-id='B12'] .aipo-bl-ranknum:text-is('{new_rank}')").wait_for(
        timeout=lab.ROUND_TRIP_MS)
    # The last re-rank is marked: B12 up by as many places as the effort edit lifted it.
    assert new_rank < mid_rank
    widget.locator(".aipo-bl-row[data-id='B12'] .aipo-bl-move-up",
                   has_text=f"▲{mid_rank - new_rank}").wait_for(timeout=lab.ROUND_TRIP_MS)
    assert widget.locator(".aipo-bl-move-down").count() >= 1  # the items it passed
    score = _kernel(page, "print(w.view['columns']['score'][w.view['columns']['id'].index('B12')])")
    shown = widget.locator("[data-score='B12']").inner_text()
    assert abs(float(shown) - float(score)) <= 0.01 * float(score)

    # A weight: effort's exponent 0.5 (the core re-ranks; the workspace records the weight).
    w_in = widget.get_by_label("Weight effort")
    w_in.fill("0.5")
    w_in.press("Enter")
    lab.wait_until(lambda: "0.5" in _kernel(page, "print(wf.workspace.settings.backlog_weights)"))
    lab.screenshot(widget, "backlog_edited")

    # Filter by type: only model items remain in the table.
    widget.locator(".aipo-toolbar").get_by_label("Type").select_option("model")
    ids = widget.locator(".aipo-bl-rows .aipo-bl-row").evaluate_all(
        "els => els.map(e => e.dataset.id)")
    assert ids and all(i in {"B8", "B14"} for i in ids), ids

    before, after = _save_and_read(page, widget, example_ws / "aipo.yaml")
    changed = _changed_lines(before, after)
    assert "-    confidence: 0.5" in changed and "+    confidence: 1.0" in changed
    assert "-    effort: 4" in changed and "+    effort: 1" in changed  # an integer stays one
    assert any(line.startswith("+  backlog_weights:") or "effort: 0.5" in line
               for line in changed), changed

    # Method: RICE re-ranks with other factors.
    widget.locator(".aipo-toolbar").get_by_label("Method").select_option("rice")
    widget.locator(".aipo-bl-formula", has_text="reach").wait_for(timeout=lab.ROUND_TRIP_MS)
    assert _kernel(page, "print(wf.workspace.settings.backlog_method)") == "rice"
    assert not page.js_errors


# --------------------------------------------------------------------------------------------
# Threshold explorer


def test_threshold_move_and_decide(lab_server, page, maintenance_ws):
    setup = ("import pandas as pd\n"
             f"gold = pd.read_csv({maintenance_ws.name!r} + '/data/gold_set.csv')\n"
             "w = aw.ThresholdExplorer(wf, y_true='failure_within_7d', scores='score', data=gold,"
             " groups='machine_type')")
    nb = _nb(maintenance_ws, setup, "w")
    lab.open_and_run(page, lab_server, nb, widgets=1)
    widget = page.locator(".aipo-threshold").first
    widget.locator(".aipo-th-gtable").wait_for(timeout=lab.ROUND_TRIP_MS)
    lab.screenshot(widget, "threshold_explorer")
    opt = int(_kernel(page, "print(w.view['curve']['optimum'])"))
    assert widget.get_attribute("data-index") == str(opt)
    # Move the threshold with the keyboard: five steps up.
    slider = widget.get_by_label("Threshold", exact=True)
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert widget.get_attribute("data-index") == str(opt + 5)
    fig = json.loads(_kernel(page, "import json; c = w.view['curve']; k = "
                                   f"{opt + 5}; print(json.dumps([c['tp'][k], c['fp'][k], "
                                   "c['recall'][k]]))"))
    assert widget.locator("[data-cell='TP'] strong").inner_text() == f"{fig[0]:,}"
    assert widget.locator("[data-cell='FP'] strong").inner_text() == f"{fig[1]:,}"
    # The per-group recall is the kernel's answer for this threshold.
    widget.locator(".aipo-th-groups h4", has_text="updating").wait_for(state="detached",
                                                                       timeout=lab.ROUND_TRIP_MS)
    kernel_groups = json.loads(_kernel(
        page, f"import json; print(json.dumps(w.group_recall({opt + 5})))"))
    shown = widget.locator(".aipo-th-gtable tbody tr").all_inner_texts()
    assert len(shown) == len(kernel_groups["groups"])
    # Record it.
    widget.get_by_role("button", name="Use this threshold").click()
    t = json.loads(_kernel(
        page, f"import json; print(json.dumps(w.view['curve']['threshold'][{opt + 5}]))"))
    lab.wait_until(lambda: _kernel(page, "print(wf.workspace.decisions[-1].threshold)") == repr(t))
    _, after = _save_and_read(page, widget, maintenance_ws / "aipo.yaml", comments=[
        "# a missed failure: unplanned downtime and repair"])
    assert f"    threshold: {t}" in after and "c_fn: 40200" in after.split("decisions:")[1]
    assert not page.js_errors


# --------------------------------------------------------------------------------------------
# Business case and AI Act


def test_scenario_driver_edit(lab_server, page, example_ws):
    nb = _nb(example_ws, "w = aw.ScenarioWidget(wf, n=2000)", "w")
    lab.open_and_run(page, lab_server, nb, widgets=1)
    widget = page.locator(".aipo-scenario").first
    lab.screenshot(widget, "scenario")
    npv = widget.locator("tbody td[data-scenario='realistic']").first
    before = npv.inner_text()
    field = widget.get_by_label("Realistic of minutes_saved")
    field.fill("1")
    field.press("Enter")
    lab.wait_until(lambda: npv.inner_text() != before)
    kernel = float(_kernel(page, "print(w.view['scenarios']['realistic']['npv'])"))
    assert _kernel(page, "print(wf.workspace.business_case.drivers['minutes_saved'].realistic)") \
        == "1.0"
    shown = float(npv.inner_text().replace(",", ""))
    assert abs(shown - kernel) <= max(1.0, abs(kernel) * 0.005)

    # The example's correlated pair: its rho is an input; the drawn rho follows the simulation.
    rho_of = "print(wf.workspace.business_case.correlations[0].rho)"
    drawn_of = "print(round(w.view['correlations'][0]['drawn'], 6))"
    pair = widget.locator("li[data-pair='adoption_max~minutes_saved']")
    drawn = pair.locator("[data-fig='drawn']")
    drawn_before = drawn.inner_text()
    rho = widget.get_by_label("Rank correlation of adoption_max and minutes_saved")
    assert rho.input_value() == "0.5"
    rho.fill("-0.3")
    rho.press("Enter")
    lab.wait_until(lambda: _kernel(page, rho_of) == "-0.3")
    lab.wait_until(lambda: drawn.inner_text() != drawn_before
                   and widget.get_by_text("(updating…)").count() == 0)
    kernel_drawn = float(_kernel(page, drawn_of))
    assert abs(kernel_drawn + 0.3) < 0.1
    assert drawn.inner_text().strip() == f"drawn {kernel_drawn:.2f}"
    # Keyboard: the arrow key steps by 0.05 from the value shown, and the focus stays.
    rho = widget.get_by_label("Rank correlation of adoption_max and minutes_saved")
    rho.focus()
    page.keyboard.press("ArrowUp")
    lab.wait_until(lambda: _kernel(page, rho_of) == "-0.25")
    page.wait_for_function("document.activeElement && document.activeElement.dataset.focusKey "
                           "=== 'c:adoption_max:minutes_saved'", timeout=lab.ROUND_TRIP_MS)
    # A rho the core refuses: its message in the error banner, the model unchanged.
    rho.fill("1")
    rho.press("Enter")
    error = widget.locator(".aipo-error-text")
    lab.wait_until(lambda: "strictly between -1 and 1" in error.inner_text())
    assert _kernel(page, rho_of) == "-0.25"
    lab.wait_until(lambda: widget.get_by_label(
        "Rank correlation of adoption_max and minutes_saved").input_value() == "-0.25")

    _, after = _save_and_read(page, widget, example_ws / "aipo.yaml")
    assert "realistic: 1.0" in after
    assert "rho: -0.25" in after.split("  correlations:")[1].split("exit_criteria:")[0]
    assert not page.js_errors


def test_ai_act_answer_shows_follow_up_and_tier(lab_server, page, example_ws):
    nb = _nb(example_ws, "w = aw.AIActQuestionnaire(wf)", "w")
    lab.open_and_run(page, lab_server, nb, widgets=1)
    widget = page.locator(".aipo-aiact").first
    assert widget.locator(".aipo-ai-tier").inner_text().startswith("Transparency")
    assert widget.locator("fieldset[data-question='annex3_employment']").count() == 0
    q = widget.locator("fieldset[data-question='annex3_areas']")
    q.get_by_label("Employment", exact=False).first.check()
    widget.locator("fieldset[data-question='annex3_employment']").wait_for(
        timeout=lab.ROUND_TRIP_MS)
    lab.wait_until(lambda: "employment" in _kernel(
        page, "print(wf.workspace.compliance.ai_act.answers['annex3_areas'])"))
    tier = _kernel(page, "print(w.view['result']['tier_label'])")
    assert widget.locator(".aipo-ai-tier").inner_text().startswith(tier)
    lab.screenshot(widget, "ai_act")
    _, after = _save_and_read(page, widget, example_ws / "aipo.yaml")
    assert "employment" in after
    assert not page.js_errors


# --------------------------------------------------------------------------------------------
# Dark theme


CONTRAST = """(sel) => {
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bg = (el) => {
        for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    return [...document.querySelectorAll(sel)].slice(0, 40).map((el) => {
        const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(bg(el));
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
}"""


def test_dark_theme_is_readable(lab_server, page, example_ws):
    nb = _nb(example_ws, "t = aw.MetricTreeWidget(wf); r = aw.RiskMatrixWidget(wf)",
             "display(t, r)")
    lab.open_and_run(page, lab_server, nb, widgets=2)
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', "
                  "{theme: 'JupyterLab Dark'})")
    page.wait_for_function("document.body.dataset.jpThemeLight === 'false'")
    page.wait_for_timeout(500)
    lab.screenshot(page.locator(".aipo-tree").first, "metric_tree_dark")
    lab.screenshot(page.locator(".aipo-risk").first, "risk_matrix_dark")
    for sel in [".aipo-title", ".aipo-mt-table td", ".aipo-mt-status", ".aipo-rm-band",
                ".aipo-chip", ".aipo-rm-ylabel", ".aipo-panel h4"]:
        ratios = page.evaluate(CONTRAST, sel)
        assert ratios, sel
        assert min(ratios) >= 4.5, (sel, min(ratios))
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', "
                  "{theme: 'JupyterLab Light'})")


def test_widgets_on_one_workspace_update_each_other(lab_server, page, example_ws):
    # B12 is blocked by R1 once R1's residual rating is critical (backlog gates).
    nb = _nb(example_ws, "r = aw.RiskMatrixWidget(wf); b = aw.BacklogWidget(wf)",
             "display(r, b)")
    lab.open_and_run(page, lab_server, nb, widgets=2)
    risk, backlog = page.locator(".aipo-risk").first, page.locator(".aipo-backlog").first
    gate = backlog.locator(".aipo-bl-row[data-id='B12'] .aipo-bl-gate")
    assert gate.count() == 0
    risk.locator(".aipo-chip[data-id='R1']").first.drag_to(
        risk.locator(".aipo-rm-cell[data-l='5'][data-i='5']"))
    gate.wait_for(timeout=lab.ROUND_TRIP_MS)
    assert gate.inner_text().startswith("blocked")
    assert _kernel(page, "c = b.view['columns']; print(c['gate'][c['id'].index('B12')])") \
        == "blocked"
    # Both show the edit as unsaved; one save writes it and both say so.
    assert "Unsaved" in backlog.locator(".aipo-status-text").inner_text()
    risk.get_by_role("button", name="Save", exact=True).click()
    backlog.locator(".aipo-status-ok").wait_for(timeout=lab.ROUND_TRIP_MS)
    assert not page.js_errors


# --------------------------------------------------------------------------------------------
# Layout: every widget fits a narrow notebook column and a wide one


FIT = r"""() => [...document.querySelectorAll('.aipo')].map((root) => {
    // Scrolling containers inside the widget (its body) count as overflow too; a cell that
    // ends in an ellipsis does not.
    const wide = [root, ...root.querySelectorAll('.aipo-body, .aipo-bl-grid, .aipo-main')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.className);
    const text = root.innerText;
    const gate = root.querySelector('.aipo-bl-head [role=columnheader]:last-child');
    const r = root.getBoundingClientRect();
    const g = gate && gate.getBoundingClientRect();
    return {kind: root.className, wide,
            gateVisible: gate ? g.width > 20 && g.right <= r.right + 1 : null,
            bad: text.match(/\b(NaN|undefined|null)\b|\bNone\b(?! of)|\d\.0*[1-9]\d{4,}/g)};
})"""


def test_widgets_fit_the_column(lab_server, page, example_ws, maintenance_ws):
    setup = ("import pandas as pd\n"
             f"pf = load({maintenance_ws.name!r})\n"
             f"gold = pd.read_csv({maintenance_ws.name!r} + '/data/gold_set.csv')")
    show = ("display(aw.MetricTreeWidget(wf), aw.BacklogWidget(wf), aw.RiskMatrixWidget(wf),\n"
            "        aw.ThresholdExplorer(pf, y_true='failure_within_7d', scores='score',\n"
            "                             data=gold, groups='machine_type'),\n"
            "        aw.ScenarioWidget(wf, n=2000), aw.AIActQuestionnaire(wf),\n"
            "        aw.MetricTreeWidget(wf, read_only=True, title='Read-only tree'))")
    nb = _nb(example_ws, setup, show)
    page.set_viewport_size({"width": 1440, "height": 1100})
    lab.open_and_run(page, lab_server, nb, widgets=7)
    page.locator(".aipo-th-gtable").wait_for(timeout=lab.ROUND_TRIP_MS)
    # The notebook gets the window's width (the file browser folded away).
    page.evaluate("() => { const a = window.jupyterapp; if (!a.shell.leftCollapsed) "
                  "a.commands.execute('application:toggle-left-area'); }")
    for width in (1000, 1440):
        page.set_viewport_size({"width": width, "height": 1100})
        page.wait_for_timeout(400)  # a frame for the resize observers
        found = page.evaluate(FIT)
        assert len(found) == 7, found
        for w in found:
            assert not w["wide"], (width, w)
            assert not w["bad"], (width, w)
            if "aipo-backlog" in w["kind"]:
                assert w["gateVisible"], (width, w)
        for name in ("backlog", "tree", "risk", "scenario", "threshold"):
            lab.screenshot(page.locator(f".aipo-{name}").first, f"{name}_{width}")
    # Narrow: the backlog's factors leave the grid to the titles (edited in the details).
    page.set_viewport_size({"width": 1000, "height": 1100})
    backlog = page.locator(".aipo-backlog").first
    backlog.locator(".aipo-bl-compact, .aipo-bl-head").first.wait_for()
    assert "aipo-bl-compact" in backlog.get_attribute("class")
    assert backlog.locator(".aipo-bl-head", has_text="conf.").count() == 0
    # The scenario's uncertainty says in words that no measurement would change the decision,
    # instead of a list of zero values.
    assert page.locator("[data-fig='evpi-none']").count() == 1
    assert page.locator("[data-fig='evppi']").count() == 0
    # The levers are in the metric's own units; a price without a target is no lever.
    levers = page.locator(".aipo-tree").first.locator(".aipo-mt-levers")
    assert "handle_time_min" in levers.locator("li").first.get_attribute("data-lever")
    assert "min) → cost per long ticket +" in levers.locator("li").first.inner_text()
    assert "elasticity" not in levers.inner_text()
    assert levers.locator("li[data-lever='hourly_cost']").count() == 0
    given = levers.locator("[data-fig='given']").inner_text()
    assert "Fully loaded hourly cost of an agent" in given
    # The threshold slider's thumb stands under the selected point of the chart.
    th = page.locator(".aipo-threshold").first
    line = th.locator(".aipo-th-sel").bounding_box()
    slider = th.locator(".aipo-th-slider")
    box = slider.bounding_box()
    index = int(th.get_attribute("data-index"))
    n = int(slider.get_attribute("max"))
    thumb_x = box["x"] + 8 + (box["width"] - 16) * index / n
    assert abs(thumb_x - (line["x"] + line["width"] / 2)) <= 3, (thumb_x, line)
    assert "EUR" in th.locator(".aipo-th-chart").inner_html()
    assert "a missed positive (false negative, c_fn) costs 40,200 EUR" in th.inner_text()
    # A read-only tree has no editing tools.
    ro = page.locator(".aipo-tree.aipo-ro").first
    for name in ("What-if", "Expand all", "Collapse all", "Save"):
        assert not ro.get_by_role("button", name=name, exact=True).is_visible()
    assert ro.locator("input").count() == 0
    assert not page.js_errors

