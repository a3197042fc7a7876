// RiskMatrixWidget: renders the register Python computed (Register.to_view in aipo_widgets.analysis.risk)
// and sends "move" / "set" operations. Bands, scores, ranks and flags all come from Python.

/**
 * @typedef {{likelihood: number, impact: number, score: number, band: string,
 *   expected_loss: number|null,
 *   probability_per_year: number|null, impact_eur: number|null, note: string}} Rating
 * @typedef {{id: string, title: string, category: string, harm: string[], treatment: string,
 *   owner: string, status: string, mitigation: string,
 *   review_date: string|null, rank: number|null, overdue: boolean, days_overdue: number,
 *   range_compression: boolean, tie_broken_by: string, notes: string[], articles: string[],
 *   residual_rated: boolean, inherent: Rating, residual: Rating}} RiskRow
 * @typedef {{as_of: string, band_map: string[][], bands: string[], likelihood_labels: string[],
 *   impact_labels: string[], categories: string[], risks: RiskRow[], flags: string[],
 *   overdue: string[], treatments: string[], statuses: string[],
 *   band_counts: Record<string, Record<string, number>>}} RiskView
 */

/** Chips shown in one cell before the rest collapse into "+n more". */
const MAX_CHIPS = 6;

/**
 * @param {{model: Model, el: HTMLElement}} ctx
 * @returns {() => void}
 */
function render({ model, el }) {
  const ui = frame(model, el, { kind: "risk" });
  /** UI-only state: never sent to Python. */
  const st = {
    which: /** @type {"residual"|"inherent"} */ (model.get("which") || "residual"),
    category: "",
    showClosed: false,
    /** @type {string|null} */ selected: null,
    /** @type {string|null} */ expanded: null,
    /** @type {string|null} */ focusId: null,
    rev: 0,
  };

  // -- toolbar ---------------------------------------------------------------------------------
  const toggles = /** @type {const} */ (["inherent", "residual"]).map((w) => h("button", {
    class: "aipo-btn aipo-toggle", "aria-pressed": String(st.which === w), dataset: { which: w },
    title: w === "inherent" ? "Ratings before mitigation" : "Ratings after mitigation",
    onclick: () => { st.which = w; draw(); },
  }, w === "inherent" ? "Inherent" : "Residual"));
  const catHolder = h("span");
  const closedBox = h("input", { type: "checkbox", onchange: () => {
    st.showClosed = /** @type {HTMLInputElement} */ (closedBox).checked; draw(); } });
  ui.toolbar.append(
    h("span", { class: "aipo-toggle-group", role: "group", "aria-label": "Rating shown" },
      ...toggles),
    catHolder,
    h("label", { class: "aipo-field" }, closedBox, h("span", {}, "closed")));

  const grid = h("div", { class: "aipo-rm-grid", role: "grid",
    "aria-label": "Risk matrix: likelihood (rows) by impact (columns)" });
  const hint = h("p", { class: "aipo-muted aipo-rm-hint aipo-edit-only" },
    "Drag a risk to another cell, or focus it and use the arrow keys " +
    "(up/down: likelihood, left/right: impact). Click a risk for its details.");
  ui.body.append(grid, hint);

  /** @returns {RiskView} */
  const view = () => model.get("view") || {};
  const editable = () => !model.get("read_only");

  /**
   * @param {string} id
   * @param {number} li
   * @param {number} im
   */
  const move = (id, li, im) => {
    st.focusId = id;
    sendOp(model, "move", { risk: id, rating: st.which, likelihood: li, impact: im });
  };

  /**
   * @param {RiskRow} r
   * @returns {HTMLElement}
   */
  const chip = (r) => {
    const rt = r[st.which];
    const flags = [];
    if (r.overdue) flags.push(`review ${r.days_overdue} days overdue`);
    if (r.range_compression) flags.push("range compression");
    const v = view();
    const label = `${r.id}: ${r.title}. Likelihood ${rt.likelihood} ` +
      `${v.likelihood_labels[rt.likelihood - 1]}, impact ${rt.impact} ` +
      `${v.impact_labels[rt.impact - 1]}, ${rt.band}, score ${rt.score}` +
      (r.rank ? `, rank ${r.rank}` : `, ${r.status}`) + (flags.length ? `. ${flags.join(", ")}` : "") +
      (editable() ? ". Arrow keys move it." : "");
    const b = h("button", {
      class: `aipo-chip${st.selected === r.id ? " aipo-chip-selected" : ""}` +
        `${r.status === "closed" ? " aipo-chip-closed" : ""}`,
      draggable: editable() ? "true" : null,
      "aria-label": label, title: `${r.id}: ${r.title}`,
      "aria-pressed": String(st.selected === r.id),
      dataset: { id: r.id, focusKey: `chip:${r.id}` },
      onclick: () => { st.selected = st.selected === r.id ? null : r.id; draw(); },
      ondragstart: (/** @type {DragEvent} */ e) => {
        if (!e.dataTransfer) return;
        e.dataTransfer.setData("text/plain", r.id);
        e.dataTransfer.effectAllowed = "move";
        b.classList.add("aipo-chip-dragging");
      },
      ondragend: () => b.classList.remove("aipo-chip-dragging"),
      onkeydown: (/** @type {KeyboardEvent} */ e) => {
        if (!editable()) return;
        const d = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowRight: [0, 1],
          ArrowLeft: [0, -1] }[e.key];
        if (!d) return;
        e.preventDefault();
        const li = Math.min(5, Math.max(1, rt.likelihood + d[0]));
        const im = Math.min(5, Math.max(1, rt.impact + d[1]));
        if (li !== rt.likelihood || im !== rt.impact) move(r.id, li, im);
      },
    }, r.id,
    r.overdue ? h("span", { class: "aipo-chip-flag", "aria-hidden": "true",
      title: "review overdue" }, "!") : null,
    r.range_compression ? h("span", { class: "aipo-chip-flag", "aria-hidden": "true",
      title: "range compression: expected losses in this cell differ 10x or more" }, "≠") : null);
    return b;
  };

  /**
   * The risks shown, most urgent first (the view keeps the workspace's order).
   * @returns {RiskRow[]}
   */
  const visible = () => (view().risks || []).filter((r) =>
    (st.showClosed || r.status !== "closed") && (!st.category || r.category === st.category))
    .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));

  const drawGrid = () => {
    const v = view();
    const rows = visible();
    /** @type {Map<string, RiskRow[]>} */
    const cells = new Map();
    for (const r of rows) {
      const k = `${r[st.which].likelihood}:${r[st.which].impact}`;
      if (!cells.has(k)) cells.set(k, []);
      /** @type {RiskRow[]} */ (cells.get(k)).push(r);
    }
    const parts = [];
    for (let li = 5; li >= 1; li--) {
      const row = h("div", { class: "aipo-rm-row", role: "row" },
        h("div", { class: "aipo-rm-ylabel", role: "rowheader" },
          h("span", { class: "aipo-rm-num" }, String(li)), ` ${v.likelihood_labels[li - 1]}`));
      for (let im = 1; im <= 5; im++) {
        const band = v.band_map[li - 1][im - 1];
        const here = cells.get(`${li}:${im}`) || [];
        const key = `${li}:${im}`;
        const cell = h("div", {
          class: `aipo-rm-cell aipo-band-${band}`, role: "gridcell",
          "aria-label": `Likelihood ${li} ${v.likelihood_labels[li - 1]}, impact ${im} ` +
            `${v.impact_labels[im - 1]}: ${band}, score ${li * im}, ${here.length} risks`,
          dataset: { l: String(li), i: String(im), band },
          ondragover: (/** @type {DragEvent} */ e) => {
            if (!editable()) return;
            e.preventDefault();
            if (e.dataTransfer) e.dataTransfer.dropEffect = "move";
            cell.classList.add("aipo-rm-over");
          },
          ondragleave: () => cell.classList.remove("aipo-rm-over"),
          ondrop: (/** @type {DragEvent} */ e) => {
            cell.classList.remove("aipo-rm-over");
            if (!editable() || !e.dataTransfer) return;
            e.preventDefault();
            const id = e.dataTransfer.getData("text/plain");
            const r = (view().risks || []).find((x) => x.id === id);
            if (r && (r[st.which].likelihood !== li || r[st.which].impact !== im)) move(id, li, im);
          },
        });
        const head = h("div", { class: "aipo-rm-cellhead" },
          h("span", { class: "aipo-rm-band" }, `${band} · ${li * im}`));
        if (here.length > MAX_CHIPS) {
          head.append(h("span", { class: "aipo-rm-count", title: `${here.length} risks` },
            String(here.length)));
        }
        cell.append(head);
        const chips = h("div", { class: "aipo-rm-chips" });
        const shown = here.length > MAX_CHIPS ? here.slice(0, MAX_CHIPS - 1) : here;
        for (const r of shown) chips.append(chip(r));
        if (here.length > MAX_CHIPS) {
          chips.append(h("button", {
            class: "aipo-chip aipo-chip-more", "aria-expanded": String(st.expanded === key),
            "aria-label": `Show all ${here.length} risks of this cell`,
            dataset: { focusKey: `more:${key}` },
            onclick: () => { st.expanded = st.expanded === key ? null : key; st.selected = null;
              draw(); },
          }, `+${here.length - shown.length} more`));
        }
        cell.append(chips);
        row.append(cell);
      }
      parts.push(row);
    }
    const axis = h("div", { class: "aipo-rm-row aipo-rm-xaxis", role: "row" },
      h("div", { class: "aipo-rm-corner", role: "columnheader" }, "Likelihood ↑ / Impact →"));
    for (let im = 1; im <= 5; im++) {
      axis.append(h("div", { class: "aipo-rm-xlabel", role: "columnheader" },
        h("span", { class: "aipo-rm-num" }, String(im)), ` ${v.impact_labels[im - 1]}`));
    }
    parts.push(axis);
    grid.replaceChildren(...parts);
  };

  /**
   * A labelled input for one detail of the selected risk.
   * @param {RiskRow} r
   * @param {"title"|"owner"|"treatment"|"status"|"review_date"|"mitigation"} field
   * @param {string} label
   * @param {"text"|"date"|"textarea"|string[]} kind
   */
  const detailField = (r, field, label, kind) => {
    const value = r[field] ?? "";
    if (!editable()) return [h("dt", {}, label), h("dd", {}, String(value || "–"))];
    /** @type {HTMLElement} */
    let input;
    const send = () => sendOp(model, "set", { risk: r.id, field,
      value: /** @type {HTMLInputElement} */ (input).value || (field === "review_date" ? null : "") });
    if (Array.isArray(kind)) {
      input = h("select", { class: "aipo-select", onchange: send },
        ...kind.map((o) => h("option", { value: o, selected: o === value }, o)));
    } else if (kind === "textarea") {
      // A title wraps on two lines rather than scroll inside a one-line field.
      input = h("textarea", { class: "aipo-input aipo-rm-text", rows: field === "title" ? "2" : "3",
        onchange: send, onkeydown: field === "title" ? (/** @type {KeyboardEvent} */ e) => {
          if (e.key === "Enter") { e.preventDefault(); /** @type {HTMLElement} */ (e.target).blur(); }
        } : null });
      /** @type {HTMLTextAreaElement} */ (input).value = value;
    } else {
      input = h("input", { class: "aipo-input aipo-rm-text", type: kind, value, onchange: send,
        onkeydown: (/** @type {KeyboardEvent} */ e) => {
          if (e.key === "Enter") /** @type {HTMLInputElement} */ (e.target).blur();
        } });
    }
    input.setAttribute("aria-label", `${label} of ${r.id}`);
    input.dataset.focusKey = `detail:${r.id}:${field}`;
    return [h("dt", {}, label), h("dd", {}, input)];
  };

  /** @param {Rating} rt */
  const ratingText = (rt) => `L${rt.likelihood} × I${rt.impact} = ${rt.score} (${rt.band})`;

  const drawAside = () => {
    const v = view();
    const risks = v.risks || [];
    const parts = [];
    const sel = st.selected ? risks.find((r) => r.id === st.selected) : null;
    if (sel) {
      parts.push(h("div", { class: "aipo-panel aipo-rm-details", "aria-label": `Details of ${sel.id}`,
        role: "group" },
        h("h4", {}, `${sel.id}${sel.rank ? ` · rank ${sel.rank}` : ""}`),
        h("dl", { class: "aipo-dl" },
          ...detailField(sel, "title", "Title", "textarea"),
          h("dt", {}, "Inherent"), h("dd", {}, ratingText(sel.inherent)),
          h("dt", {}, "Residual"), h("dd", {}, ratingText(sel.residual) +
            (sel.residual_rated ? "" : " (not rated: inherent used)")),
          h("dt", {}, "Expected loss / yr"), h("dd", {},
            `${fmt(sel.inherent.expected_loss)} → ${fmt(sel.residual.expected_loss)}`,
            sel.inherent.probability_per_year !== null ? h("span", { class: "aipo-muted" },
              ` (p ${fmt(sel.inherent.probability_per_year)} × ${fmt(sel.inherent.impact_eur)})`)
              : null),
          ...detailField(sel, "owner", "Owner", "text"),
          ...detailField(sel, "treatment", "Treatment", v.treatments),
          ...detailField(sel, "status", "Status", v.statuses),
          ...detailField(sel, "review_date", "Review date", "date"),
          ...detailField(sel, "mitigation", "Mitigation", "textarea"),
          h("dt", {}, "Category"), h("dd", {}, sel.category),
          sel.articles.length ? h("dt", {}, "Articles") : null,
          sel.articles.length ? h("dd", {}, sel.articles.join(", ")) : null),
        sel.overdue ? h("p", { class: "aipo-flag-warn" },
          `Review ${sel.days_overdue} days overdue (as of ${v.as_of}).`) : null,
        ...sel.notes.map((n) => h("p", { class: "aipo-muted aipo-rm-note" }, n)),
        h("button", { class: "aipo-btn", onclick: () => { st.selected = null; draw(); } },
          "Close details")));
    } else if (st.expanded) {
      const [li, im] = st.expanded.split(":").map(Number);
      const here = visible().filter((r) => r[st.which].likelihood === li &&
        r[st.which].impact === im);
      parts.push(h("div", { class: "aipo-panel" },
        h("h4", {}, `L${li} × I${im}: ${here.length} risks`),
        h("div", { class: "aipo-rm-chips" }, ...here.map(chip))));
    } else {
      const top = visible().filter((r) => r.rank !== null).slice(0, 8);
      parts.push(h("div", { class: "aipo-panel" }, h("h4", {}, "Most urgent"),
        h("ol", { class: "aipo-rm-top" }, ...top.map((r) => h("li", {},
          h("button", { class: "aipo-btn-quiet aipo-rm-link", onclick: () => {
            st.selected = r.id; draw(); } }, r.id),
          h("span", { class: `aipo-rm-pill aipo-band-${r.residual.band}` }, r.residual.band),
          ` ${r.title}`)))));
    }
    const flags = [...(v.flags || [])];
    if ((v.overdue || []).length) flags.unshift(`Reviews overdue: ${v.overdue.join(", ")}`);
    if (flags.length) {
      parts.push(h("div", { class: "aipo-panel aipo-rm-flags" }, h("h4", {}, "Findings"),
        h("ul", {}, ...flags.map((f) => h("li", {}, f)))));
    }
    ui.aside.replaceChildren(...parts);
  };

  const drawToolbar = () => {
    const cats = view().categories || [];
    catHolder.replaceChildren(selectBox("Category",
      [["", "all"], ...cats.map((c) => /** @type {[string, string]} */ ([c, c.replace(/_/g, " ")]))],
      st.category, (c) => { st.category = c; draw(); }));
    for (const t of toggles) t.setAttribute("aria-pressed", String(t.dataset.which === st.which));
  };

  const draw = timed(ui.root, () => {
    // {} until Python's first computation succeeds; meanwhile the frame shows its error.
    if (!view().band_map) return;
    const active = /** @type {HTMLElement|null} */ (document.activeElement);
    const key = active && ui.root.contains(active) ? active.dataset.focusKey : undefined;
    drawToolbar();
    drawGrid();
    drawAside();
    const want = st.focusId ? `chip:${st.focusId}` : key;
    st.focusId = null;
    if (want && !(active && active.isConnected && active.dataset.focusKey === want)) {
      refocus(ui.root, want);
    }
    st.rev += 1;
    ui.root.dataset.rev = String(st.rev);
  });

  return live(model, ui, draw);
}

export default /** @satisfies {Widget} */ ({ initialize, render });
