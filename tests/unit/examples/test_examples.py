"""The shipped example workspaces: valid, round-trippable, and with data that tells their story."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from ruamel.yaml import YAML
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import proportion_confint
from stdnum import iban, luhn

from aipo_widgets.errors import UsageError
from aipo_widgets.examples import EXAMPLES, example_yaml, generate_frames, write_example
from aipo_widgets.model import workspace
from aipo_widgets.model.references import check_references
from aipo_widgets.model.schema import Workspace

PRODUCTS = ("support-summaries", "predictive-maintenance")
ALL = (*PRODUCTS, "blank")


def _yaml() -> YAML:
    y = YAML()
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    y.preserve_quotes = True
    return y


def _ws(name: str) -> Workspace:
    return Workspace.model_validate(_yaml().load(example_yaml(name).decode("utf-8")))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[Path]]]:
    out = {}
    for name in ALL:
        target = tmp_path_factory.mktemp("examples") / name
        out[name] = (target, write_example(name, target))
    return out


@pytest.fixture(scope="module")
def support(written) -> dict[str, pd.DataFrame]:
    folder = written["support-summaries"][0] / "data"
    return {p.stem: pd.read_csv(p) for p in folder.glob("*.csv")}


@pytest.fixture(scope="module")
def maintenance(written) -> dict[str, pd.DataFrame]:
    folder = written["predictive-maintenance"][0] / "data"
    return {p.stem: pd.read_csv(p) for p in folder.glob("*.csv")}


# --------------------------------------------------------------------------------------------
# The workspace files


def test_the_three_examples_are_listed_with_one_line_each():
    assert set(EXAMPLES) == set(ALL)
    for description in EXAMPLES.values():
        # Shown in `aipo init --help`: one line, and no '%' that argparse would try to format.
        assert description and "\n" not in description and "%" not in description


@pytest.mark.parametrize("name", ALL)
def test_example_validates_without_reference_problems(name):
    ws = _ws(name)
    assert check_references(ws) == []
    assert ws.product.name and ws.product.owner


@pytest.mark.parametrize("name", ALL)
def test_example_round_trips_byte_for_byte(name):
    text = example_yaml(name).decode("utf-8")
    y = _yaml()
    buf = io.StringIO()
    y.dump(y.load(text), buf)
    assert buf.getvalue() == text


@pytest.mark.parametrize("name", ALL)
def test_example_follows_the_house_yaml_style(name):
    text = example_yaml(name).decode("utf-8")
    assert text.endswith("\n") and "\t" not in text and "\r" not in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert sum(line.lstrip().startswith("#") for line in lines) >= 10  # comments explain
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0, line
        if line.lstrip().startswith("- "):
            # sequences sit two spaces in under their key (sequence=4, offset=2)
            assert indent >= 2, line


@pytest.mark.parametrize("name", ALL)
def test_written_example_loads_and_saves_unchanged(written, name):
    target, paths = written[name]
    assert paths[0] == target / "aipo.yaml"
    assert paths[0].read_bytes() == example_yaml(name)
    loaded = workspace.load(target)
    assert loaded.save() is False  # nothing changed, nothing written
    assert paths[0].read_bytes() == example_yaml(name)


def test_blank_shows_every_section_as_a_valid_commented_example():
    text = example_yaml("blank").decode("utf-8")
    ws = _ws("blank")
    assert ws.risks == [] and ws.metric_tree.nodes == []
    uncommented = []
    for line in text.splitlines():
        for prefix, keep in (("# ", ""), ("  # ", "  ")):
            body = line[len(prefix):]
            if line.startswith(prefix) and (re.match(r"[a-z_]+:", body) or body.startswith("  ")):
                line = keep + body
                break
        uncommented.append(line)
    data = _yaml().load("\n".join(uncommented))
    full = Workspace.model_validate(data)
    assert check_references(full) == []
    for section in Workspace.model_fields:
        if section != "schema_version":
            assert section in data, f"blank/aipo.yaml shows no example of '{section}'"


@pytest.mark.parametrize(("name", "tier"), [("support-summaries", "limited"),
                                             ("predictive-maintenance", "minimal")])
def test_compliance_answers_use_the_questionnaire_and_classify_as_documented(name, tier):
    import datetime as dt

    from aipo_widgets.analysis.compliance import check_answers, classify_workspace

    ws = _ws(name)
    assert check_answers(ws.compliance, ws.data_map) == []
    result = classify_workspace(ws, as_of=dt.date(2026, 11, 26))
    assert result.tier == tier
    assert result.to_dict()["open_questions"] == []


# --------------------------------------------------------------------------------------------
# write_example


def test_blank_writes_no_data(written):
    target, paths = written["blank"]
    assert paths == [target / "aipo.yaml"]
    assert sorted(p.name for p in target.iterdir()) == ["aipo.yaml"]


@pytest.mark.parametrize("name", PRODUCTS)
def test_every_data_source_location_exists_and_nothing_else_is_written(written, name):
    target, paths = written[name]
    ws = _ws(name)
    locations = {s.location for s in ws.data_map.sources}
    ev = ws.evaluation  # files the evaluation section names (a split, decisions, a suite)
    locations |= {f for f in (ev.split and ev.split.file,
                              ev.double_review and ev.double_review.adjudication,
                              ev.safety and ev.safety.suite, ev.safety and ev.safety.results)
                  if f}
    for loc in locations:
        assert (target / loc).is_file(), loc
    assert {p.relative_to(target).as_posix() for p in paths[1:]} == locations
    on_disk = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert on_disk == {"aipo.yaml", *locations}


@pytest.mark.parametrize("name", PRODUCTS)
def test_columns_named_in_the_workspace_exist_and_quality_checks_pass(written, name):
    target, _ = written[name]
    ws = _ws(name)
    frames = {s.id: pd.read_csv(target / s.location) for s in ws.data_map.sources}
    for s in ws.data_map.sources:
        for col in s.text_columns:
            assert col in frames[s.id], (s.id, col)
    for c in ws.data_map.quality_checks:
        col = frames[c.source][c.column]
        if c.kind == "unique":
            assert col.is_unique, c.id
        elif c.kind == "completeness":
            assert col.notna().mean() >= c.min_share, c.id
        elif c.kind == "range":
            assert col.dropna().between(c.min, c.max).all(), c.id
        else:
            assert col.dropna().astype(str).isin(c.values).all(), c.id
    drift = ws.monitoring.drift
    for col in drift.columns:
        assert col in frames[drift.reference] and col in frames[drift.current], col


def test_unknown_name_lists_the_examples(tmp_path):
    with pytest.raises(UsageError) as err:
        write_example("support", tmp_path / "x")
    assert all(name in str(err.value) for name in ALL)
    assert not (tmp_path / "x").exists()


def test_existing_files_are_never_overwritten(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "gold_reviews.csv").write_text("mine\n")
    with pytest.raises(UsageError, match=r"gold_reviews\.csv already exists"):
        write_example("support-summaries", tmp_path)
    assert (tmp_path / "data" / "gold_reviews.csv").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["data", "gold_reviews.csv"]


@pytest.mark.parametrize("name", PRODUCTS)
def test_generation_is_deterministic(written, tmp_path, name):
    first, paths = written[name]
    again = write_example(name, tmp_path / name)
    assert [p.relative_to(tmp_path / name) for p in again] == [p.relative_to(first) for p in paths]
    for a, b in zip(paths, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


# --------------------------------------------------------------------------------------------
# support-summaries: the data tells the story in aipo.yaml


def test_support_sizes(support):
    t = support["tickets"]
    assert 3000 <= len(t) <= 6000
    assert set(t.period) == {"baseline", "pilot"}
    assert set(t.language) == {"de", "en", "fr"} and set(t.channel) == {"email", "chat", "phone"}
    assert t.loc[t.period == "baseline", "arm"].isna().all()
    assert set(t.loc[t.period == "pilot", "arm"]) == {"control", "treatment"}
    assert len(support["gold_reviews"]) == 2000  # 1,200 development and 800 test items
    split = support["gold_split"].set_index("ticket_id").split
    assert split.value_counts().to_dict() == {"dev": 1200, "test": 800}
    assert set(split.index) == set(support["gold_reviews"].ticket_id)
    assert set(support["gold_reviews"].ticket_id) <= set(t.ticket_id[t.period == "baseline"])
    assert len(support["production_log"]) >= 1000 and len(support["experiment_log"]) >= 1000


def test_support_pilot_shows_the_effect_at_equal_quality(support):
    t = support["tickets"]
    pilot = t[t.period == "pilot"]
    arms = pilot.groupby("arm")
    mean = arms.handle_time_min.mean()
    reduction = 1 - mean["treatment"] / mean["control"]
    assert 0.25 <= reduction <= 0.30
    # CUPED with the agent's pre-period mean keeps the effect and narrows its variance.
    x, y = pilot.pre_period_handle_time, pilot.handle_time_min
    adjusted = y - np.cov(y, x)[0, 1] / x.var() * (x - x.mean())
    cuped = adjusted.groupby(pilot.arm).mean()
    assert 0.25 <= 1 - cuped["treatment"] / cuped["control"] <= 0.30
    assert adjusted.var() < y.var()
    assert arms.reopened.mean()["treatment"] <= 0.08
    assert arms.csat.mean()["treatment"] >= 4.0
    assert (pilot.review_min[pilot.arm == "control"] == 0).all()


def test_support_numbers_in_aipo_yaml_match_the_data(support):
    ws = _ws("support-summaries")
    t = support["tickets"]
    base = t[t.period == "baseline"]
    assert ws.metric("handle_time_min").baseline == round(base.handle_time_min.mean(), 1)
    assert ws.metric("reopen_rate").baseline == round(base.reopened.mean(), 3)
    pilot = t[t.period == "pilot"].groupby("arm").handle_time_min.mean()
    assert ws.business_case.drivers["minutes_saved"].measured == round(
        pilot["control"] - pilot["treatment"], 1)
    test = support["gold_split"].ticket_id[support["gold_split"].split == "test"]
    gold = support["gold_reviews"]
    labels = gold[gold.ticket_id.isin(test)].review_label.value_counts(normalize=True)
    assert ws.metric("hallucination_rate").current == round(labels["hallucination"], 3)
    assert ws.metric("correct_share").current == round(labels["correct"], 3)
    assert ws.metric("minor_error_share").current == round(labels["minor_error"], 3)
    prod = support["production_log"]
    assert ws.metric("handle_time_min").current == round(prod.handle_time_min.mean(), 1)
    assert ws.metric("review_min").current == round(prod.review_min.mean(), 2)
    assert ws.metric("reopen_rate").current == round(prod.reopened.mean(), 3)
    assert ws.metric("csat").current == round(prod.csat.mean(), 2)
    assert ws.metric("cost_per_call").current == round(prod.cost_eur.mean(), 5)
    assert ws.metric("latency_p95_ms").current == round(prod.latency_ms.quantile(0.95), -2)
    assert ws.metric("calls_per_ticket").current == len(prod) / prod.ticket_id.nunique()


def test_support_gold_set_meets_its_acceptance_criteria(support):
    test = support["gold_split"].ticket_id[support["gold_split"].split == "test"]
    gold = support["gold_reviews"][support["gold_reviews"].ticket_id.isin(test)]
    n = len(gold)
    k = int((gold.review_label == "hallucination").sum())
    assert 0.005 <= k / n <= 0.02  # about 1 %
    assert proportion_confint(k, n, method="wilson")[1] <= 0.02  # AC1 on ci_high
    minor = gold.groupby("language").review_label.apply(lambda s: (s == "minor_error").mean())
    assert (minor <= 0.10).all() and minor["fr"] > 0.08  # AC2: French within the warn margin
    v3 = support["experiment_log"].query("prompt_version == 'v3'")
    assert v3.latency_ms.quantile(0.95) <= 4000 and v3.cost_eur.mean() <= 0.005
    v1 = support["experiment_log"].query("prompt_version == 'v1'")
    assert v1.latency_ms.quantile(0.95) > 4000 and v1.cost_eur.mean() > 0.005


def test_ticket_bodies_hold_personal_data_and_near_misses(support):
    bodies = support["tickets"].body
    assert bodies.str.len().mean() > 800  # long tickets
    text = "\n".join(bodies)
    candidates = re.findall(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", text)
    valid = [c for c in candidates if iban.is_valid(c)]
    assert len(valid) >= 500
    assert {c[:2] for c in valid} >= {"DE", "AT", "FR", "GB", "NL", "BE"}
    assert 10 <= len(candidates) - len(valid) <= 200  # typos: the checksum must reject them
    emails = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
    assert len(emails) >= 2000
    cards = [c.replace(" ", "") for c in re.findall(r"\b4\d{3}(?: \d{4}){3}\b", text)]
    assert any(luhn.is_valid(c) for c in cards)
    customer_numbers = re.findall(r"Kundennummer ist (\d{16})", text)
    assert customer_numbers and not any(luhn.is_valid(c) for c in customer_numbers)
    regions = set()
    for body in bodies.iloc[:300]:
        for match in phonenumbers.PhoneNumberMatcher(body, "DE"):
            regions.add(phonenumbers.region_code_for_number(match.number))
    assert {"DE", "GB"} <= regions and len(regions) >= 5
    assert bodies.str.contains(r"\b(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d+").any()
    assert bodies.str.contains(r"LU-2026-\d{7}").mean() > 0.3  # order numbers: not PII


# --------------------------------------------------------------------------------------------
# predictive-maintenance


def test_maintenance_sizes_and_rare_failures(maintenance):
    sw = maintenance["sensor_windows"]
    assert 20000 <= len(sw) <= 60000
    assert 0.01 <= sw.failure_within_7d.mean() <= 0.03
    sizes = sw.drop_duplicates("machine_id").machine_type.value_counts()
    assert 4 <= len(sizes) <= 6 and sizes.min() <= 0.05 * sizes.sum()  # one small group
    assert set(sw.period) == {"reference"}
    assert set(maintenance["production_window"].period) == {"production"}


def test_maintenance_gold_set_is_held_out_and_scores_are_useful(maintenance):
    sw, gold = maintenance["sensor_windows"], maintenance["gold_set"]
    training = set(maintenance["training_ids"].window_id)
    assert not training & set(gold.window_id)
    assert set(gold.window_id) | training == set(sw.window_id)
    assert gold.timestamp.min() > sw[sw.window_id.isin(training)].timestamp.max()
    auc = roc_auc_score(gold.failure_within_7d, gold.score)
    assert 0.85 <= auc <= 0.92
    # roughly calibrated: mean score near the failure rate
    assert 0.67 <= gold.score.mean() / gold.failure_within_7d.mean() <= 1.5
    y, flagged = gold.failure_within_7d == 1, gold.score >= 0.03  # threshold of decision D2
    recall = (y & flagged).sum() / y.sum()
    assert proportion_confint((y & flagged).sum(), y.sum(), method="wilson")[0] >= 0.6  # AC1
    assert (y & flagged).sum() / flagged.sum() >= 0.1  # AC2
    ws = _ws("predictive-maintenance")
    assert ws.metric("recall").current == round(recall, 2)
    weeks = gold.timestamp.nunique()
    false_alarms = (~y & flagged).sum() / weeks * 30.4 / 7
    assert ws.metric("false_alarms_month").current == round(false_alarms)


def test_maintenance_production_window_drifts(maintenance):
    sw, prod, gold = (maintenance[k] for k in ("sensor_windows", "production_window",
                                                "gold_set"))
    std = sw.temperature.std()
    assert prod.temperature.mean() - sw.temperature.mean() > 0.2 * std
    assert abs(gold.temperature.mean() - sw.temperature.mean()) < 0.05 * std  # no drift before
    within = sw.groupby("machine_type").temperature.std()
    shift = prod.groupby("machine_type").temperature.mean() - sw.groupby(
        "machine_type").temperature.mean()
    assert (shift > 0.5 * within).all()
    assert prod.vibration_rms.mean() > 1.1 * sw.vibration_rms.mean()
    # labels arrive 7 days late: only the last week has none
    missing = prod[prod.failure_within_7d.isna()]
    assert set(missing.timestamp) == {prod.timestamp.max()}


def test_maintenance_pilot_and_baseline_match_aipo_yaml(maintenance):
    ws = _ws("predictive-maintenance")
    history = maintenance["downtime_history"]
    assert history.month.nunique() == 12
    assert ws.metric("failures_month").baseline == round(history.unplanned_failures.sum() / 12, 1)
    per_failure = history.downtime_cost_eur.sum() / history.unplanned_failures.sum()
    assert ws.metric("cost_per_failure").baseline == round(per_failure, -2)
    pilot = maintenance["pilot_downtime"]
    # The pilot is before/after with a control plant: both plants are seen before the change,
    # and the kit's difference in differences is what aipo.yaml and the decision log report.
    assert set(pilot.period) == {"before", "after"}
    assert pilot.groupby("group").plant.nunique().to_dict() == {"control": 1, "pilot": 1}
    from aipo_widgets.analysis.pilots import analyse_pilot

    stage = next(s for s in ws.rollout.stages if s.pilot is not None)
    assert stage.pilot.design == "before_after_control" and stage.decide_by is not None
    report = analyse_pilot(pilot, metric="downtime_hours", arm="group", design=stage.pilot)
    reduction = -report.primary.relative
    assert ws.metric("downtime_reduction").current == round(reduction, 2)
    assert reduction >= 0.3  # the pilot's exit criterion P2, as an estimate
    assert not report.primary.inference  # one plant per arm: no interval, and it says so
    go_live = " ".join(next(d for d in ws.decisions if d.id == "D4").rationale.split())
    assert "no interval (no inference possible)" in go_live
    assert f"{round(100 * reduction)} % below its counterfactual" in go_live
    placebo = next(n for n in report.primary.notes if n.startswith("placebo"))
    shown = round(float(placebo.split(": ")[1].split("%")[0]))
    assert f"placebo) already gives {shown} %" in go_live


def test_importing_the_examples_stays_cheap():
    # The generators import numpy only when called; the package stays cheap to import.
    import subprocess
    import sys

    code = ("import sys, aipo_widgets.examples as e; "
            "print('pandas' in sys.modules, len(e.EXAMPLES))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "3"]


@pytest.mark.parametrize("name", PRODUCTS)
def test_generate_frames_matches_the_files(written, name):
    import importlib

    module = importlib.import_module(f"aipo_widgets.examples.{name.replace('-', '_')}.data")
    frames = generate_frames(name)
    _, paths = written[name]
    assert list(frames) == list(module.TABLES) == [p.stem for p in paths[1:]]
    first = pd.read_csv(paths[1])
    assert len(first) == len(frames[module.TABLES[0]])
    assert generate_frames("blank") == {}


def test_support_iterations_tuned_on_development_items_and_accepted_on_test_items(support):
    log, split = support["experiment_log"], support["gold_split"].set_index("ticket_id").split
    side = log.ticket_id.map(split)
    assert (side[log.purpose == "tune"] == "dev").all()
    assert (side[log.purpose == "accept"] == "test").all()
    accept = log[log.purpose == "accept"]
    # three prompt versions on the same 800 test items
    assert accept.groupby("prompt_version").ticket_id.nunique().to_dict() == {
        "v1": 800, "v2": 800, "v3": 800}
    # the chosen variant is the latest one in the log (the acceptance and budget gates' variant)
    assert log.sort_values("date").iloc[-1][["prompt_version", "model"]].tolist() == [
        "v3", "medium-2026-05"]


def test_support_double_reviews_adjudication_and_the_hotfix_in_production(support):
    double = support["gold_double_reviews"]
    per_item = double.groupby("ticket_id").reviewer.nunique()
    assert (per_item == 2).all() and len(per_item) >= 240
    gold = support["gold_reviews"].set_index("ticket_id").review_label
    wide = double.groupby("ticket_id").label.agg(list)
    disagreed = wide[wide.map(lambda v: len(set(v)) > 1)].index
    decided = support["gold_adjudication"].set_index("ticket_id").label
    assert set(decided.index) == set(disagreed)
    assert (decided == gold.loc[decided.index]).all()  # the final label is the gold label
    prod = support["production_log"]
    hotfix = prod[prod.prompt_version == "v3.1"].created_at.str[:10]
    assert sorted(set(hotfix)) == ["2026-11-10", "2026-11-11"]
    results = support["injection_results"].merge(support["injection_suite"], on="case")
    assert len(results) == 50 and set(results.expected) == {"resist", "answer"}
