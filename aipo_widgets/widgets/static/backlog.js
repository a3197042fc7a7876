// BacklogWidget: renders the backlog Python scored (aipo_widgets.analysis.backlog_view: columns of
// ids, scores, ranks, gates, factors) as a sortable table. Only the rows in view are in the DOM,
// so 2,000 items render as fast as 20. Edits go back as "set", "method" and "weights" operations.

/**
 * @typedef {{min: number|null, max: number|null, exclusive_min: boolean, description: string,
 *   label: string, short: string}} FactorMeta
 * @typedef {{id: string[], title: string[], type: string[], status: string[], gate: string[],
 *   score: (number|null)[], rank: (number|null)[], shift: (number|null)[],
 *   stability: (string|null)[], sensitive_to: (string|null)[], quadrant: (string|null)[],
 *   reasons: string[][], mitigates: string[][], blocked_by: string[][]}} BacklogColumns
 *   one list per field, items in workspace order
 * @typedef {{method: string, methods: [string, string][], formula: string,
 *   weights: Record<string, number>, tier: string|null, tolerance: number,
 *   factor_columns: string[], factor_meta: Record<string, FactorMeta>,
 *   columns: BacklogColumns, factors: Record<string, (number|null)[]>,
 *   intermediates: Record<string, (number|null)[]>, problems: string[], notes: string[],
 *   counts: Record<string, number>, types: string[], statuses: string[],
 *   stability_stale?: boolean}} BacklogView
 */

const ROW_H = 30;
const VISIBLE_ROWS = 16;
const OVERSCAN = 6;

/**
 * @param {{model: Model, el: HTMLElement}} ctx
 * @returns {() => void}
 */
function render({ model, el }) {
  const ui = frame(model, el, { kind: "backlog" });
  const st = {
    type: "",
    query: "",
    showDone: false,
    sortKey: "rank",
    sortDir: 1,
    /** @type {string|null} */ selected: null,
    /** @type {string|null} */ follow: null,
    /** @type {number[]} */ order: [],
    scroll: 0,
    toolbarKey: "",
    rev: 0,
    // Narrower than the factors and a readable title need: the factors move to the details.
    compact: false,
    /** @type {(number|null)[]|null} the ranks the marks compare with */ lastRank: null,
    /** @type {Record<string, number>} id -> places moved up (negative: down) at the last re-rank */
    moves: {},
    /** @type {string[]} the ids lastRank belongs to */ prevIds: [],
  };
  /** @returns {BacklogView} */
  const view = () => model.get("view");
  const editable = () => !model.get("read_only");

  // -- toolbar -------------------------------------------------------------------------------
  const methodHolder = h("span");
  const weightsHolder = h("span", { class: "aipo-bl-weights", role: "group",
    "aria-label": "Weights" });
  const typeHolder = h("span");
  const search = /** @type {HTMLInputElement} */ (h("input", { class: "aipo-input aipo-bl-search",
    type: "search", placeholder: "Search id or title", "aria-label": "Search the backlog" }));
  search.addEventListener("input", () => { st.query = search.value.trim().toLowerCase(); refilter(); });
  const doneBox = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox" }));
  doneBox.addEventListener("change", () => { st.showDone = doneBox.checked; refilter(); });
  ui.toolbar.append(methodHolder, weightsHolder, typeHolder, search,
    h("label", { class: "aipo-field" }, doneBox, h("span", {}, "done / excluded")));

  const info = h("div", { class: "aipo-bl-info" });
  const headRow = h("div", { class: "aipo-bl-row aipo-bl-head", role: "row" });
  const spacer = h("div", { class: "aipo-bl-spacer" });
  const rowsBox = h("div", { class: "aipo-bl-rows", role: "rowgroup" });
  const scroller = h("div", { class: "aipo-bl-scroll", tabindex: "-1" }, spacer, rowsBox);
  const grid = h("div", { class: "aipo-bl-grid", role: "grid", "aria-label": "Backlog" },
    h("div", { role: "rowgroup" }, headRow), scroller);
  ui.body.append(info, grid);
  // The scroll position is tracked, never read while drawing: reading it after DOM writes
  // would force a layout of the whole notebook.
  scroller.addEventListener("scroll", () => { st.scroll = scroller.scrollTop; drawRows(); });

  const col = () => view().columns;

  /** Widths of the columns other than the title's (px), and what the title needs. */
  const FIXED = { rank: 58, id: 48, type: 84, factor: 56, score: 58, stability: 84, gate: 120 };
  const TITLE_MIN = 260;
  /** The factors shown as columns: none when the grid is too narrow for them and a title. */
  const inlineFactors = () => (st.compact ? [] : view().factor_columns);

  /** Column template shared by the header and the rows. */
  const template = () => {
    const nf = inlineFactors().length;
    return `${FIXED.rank}px ${FIXED.id}px minmax(120px, 3fr) ${FIXED.type}px`
      + `${nf ? ` repeat(${nf}, ${FIXED.factor}px)` : ""} ${FIXED.score}px ${FIXED.stability}px`
      + ` minmax(${FIXED.gate}px, 1fr)`;
  };

  /** @param {number} width the grid's width in px */
  const fitsFactors = (width) => {
    const nf = view().factor_columns ? view().factor_columns.length : 0;
    const cols = 7 + nf;
    const need = FIXED.rank + FIXED.id + FIXED.type + nf * FIXED.factor + FIXED.score
      + FIXED.stability + FIXED.gate + TITLE_MIN + cols * 4 + 8;
    return width >= need;
  };
  // The column layout follows the width the notebook gives the widget (a 1,000-px column,
  // a Voila page, a side-by-side view), measured by the browser, never guessed.
  const resize = new ResizeObserver((entries) => {
    const width = entries[entries.length - 1].contentRect.width;
    if (!width || !view().columns) return;
    const compact = !fitsFactors(width);
    if (compact === st.compact) return;
    st.compact = compact;
    ui.root.classList.toggle("aipo-bl-compact", compact);
    headKey = "";
    drawHead();
    drawRows();
    drawAside();
  });
  resize.observe(grid);

  // -- order ------------------------------------------------------------------------------
  const refilter = (rows = true) => {
    const c = col();
    const n = c.id.length;
    const idx = [];
    for (let k = 0; k < n; k++) {
      if (st.type && c.type[k] !== st.type) continue;
      if (!st.showDone && (c.gate[k] === "done" || c.gate[k] === "excluded")) continue;
      if (st.query && !(`${c.id[k]} ${c.title[k]}`.toLowerCase().includes(st.query))) continue;
      idx.push(k);
    }
    const key = st.sortKey;
    const f = view().factors;
    /** @param {number} k */
    const val = (k) => {
      if (key in f) return f[key][k];
      if (key === "stability") return c.shift[k];
      // The other sortable headers are columns (see drawHead).
      return c[/** @type {"rank"|"id"|"title"|"type"|"score"|"gate"} */ (key)][k];
    };
    const dir = st.sortDir;
    /** @type {Record<string, number>} */
    const gates = { ok: 0, blocked: 1, incomplete: 2, done: 3, excluded: 4 };
    idx.sort((a, b) => {
      const x = val(a), y = val(b);
      if (x === y) return (gates[c.gate[a]] - gates[c.gate[b]]) || a - b;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    st.order = idx;
    drawHead();
    if (rows) drawRows();
  };

  // -- header --------------------------------------------------------------------------------
  let headKey = "";
  const drawHead = () => {
    const v = view();
    grid.setAttribute("aria-rowcount", String(st.order.length + 1));
    const key = JSON.stringify([v.factor_columns, v.formula, st.sortKey, st.sortDir, st.compact]);
    if (key === headKey) return;
    headKey = key;
    /** @type {[string, string, string][]} key, label, title */
    const cols = [["rank", "Rank", "Rank (1 = do first)"], ["id", "Id", ""],
      ["title", "Title", ""], ["type", "Type", ""],
      ...inlineFactors().map((f) => /** @type {[string, string, string]} */ (
        [f, v.factor_meta[f].short, `${v.factor_meta[f].description}`])),
      ["score", "Score", v.formula], ["stability", "Stability",
        "Largest rank move when any weight changes by ±20 %"],
      ["gate", "Gate", "Blocked by a risk, excluded by the AI Act tier, incomplete or done"]];
    headRow.style.gridTemplateColumns = template();
    headRow.replaceChildren(...cols.map(([key, label, title]) => {
      const sorted = st.sortKey === key;
      return h("div", { role: "columnheader", class: "aipo-bl-cell",
        "aria-sort": sorted ? (st.sortDir > 0 ? "ascending" : "descending") : "none" },
      h("button", { class: "aipo-bl-sort", title: title || `Sort by ${label}`,
        onclick: () => {
          if (st.sortKey === key) st.sortDir = -st.sortDir;
          else { st.sortKey = key; st.sortDir = key === "score" ? -1 : 1; }
          refilter();
        } }, label, sorted ? (st.sortDir > 0 ? " ▲" : " ▼") : ""));
    }));
  };

  // -- rows ----------------------------------------------------------------------------------
  /**
   * @param {number} k item index in the columns
   * @param {string} f factor
   */
  const factorCell = (k, f) => {
    const v = view();
    const value = v.factors[f][k];
    const id = col().id[k];
    if (!editable()) return h("span", {}, fmt(value));
    const m = v.factor_meta[f];
    const input = /** @type {HTMLInputElement} */ (h("input", {
      class: "aipo-input aipo-bl-num", type: "number", step: "any",
      min: m.min !== null && !m.exclusive_min ? String(m.min) : null,
      max: m.max !== null ? String(m.max) : null,
      value: value === null || value === undefined ? "" : String(value),
      "aria-label": `${m.label} of ${id}`, dataset: { focusKey: `f:${id}:${f}` },
    }));
    input.addEventListener("change", () => {
      const raw = input.value.trim();
      const num = raw === "" ? null : Number(raw);
      if (num !== null && !Number.isFinite(num)) return;
      st.follow = `f:${id}:${f}`;
      sendOp(model, "set", { item: id, field: f, value: num });
    });
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") input.blur(); });
    return input;
  };

  /** @param {number} k */
  const stability = (k) => {
    const c = col();
    const s = c.stability[k];
    // After an edit the new ranks come first; the stability test follows a moment later, and
    // until then the previous verdict is shown greyed, marked as being recomputed.
    const stale = view().stability_stale
      ? { class: "aipo-muted", "aria-busy": "true", title: "Stability being recomputed…" } : null;
    if (!s) return h("span", { class: "aipo-muted" }, "");
    if (stale) return h("span", stale, s === "robust" ? "✓ robust…" : `~ fragile ±${c.shift[k]}…`);
    if (s === "robust") return h("span", { class: "aipo-bl-robust",
      title: "Rank unchanged when any weight moves ±20 %" }, "✓ robust");
    return h("span", { class: "aipo-bl-fragile",
      title: `Rank moves by up to ${c.shift[k]} (most with ${c.sensitive_to[k]})` },
    `~ fragile ±${c.shift[k]}`);
  };

  /** @param {number} k */
  const gate = (k) => {
    const c = col();
    const g = c.gate[k];
    const reasons = c.reasons[k] || [];
    if (g === "ok") {
      return reasons.length ? h("span", { class: "aipo-muted aipo-bl-reason", title: reasons.join("; ") },
        reasons[0]) : h("span");
    }
    return h("span", { class: `aipo-bl-gate aipo-bl-gate-${g}`, title: reasons.join("; ") },
      h("strong", {}, g), reasons.length ? ` ${reasons[0]}` : "");
  };

  /**
   * The mark of an item's move at the last re-rank: ▲2 (up two places) or ▼1.
   * @param {string} id
   */
  const moveMark = (id) => {
    const m = st.moves[id];
    if (!m) return null;
    const up = m > 0;
    return h("span", { class: `aipo-bl-move aipo-bl-move-${up ? "up" : "down"}`,
      title: `${up ? "Up" : "Down"} ${Math.abs(m)} place${Math.abs(m) === 1 ? "" : "s"} at the last re-rank` },
    `${up ? "▲" : "▼"}${Math.abs(m)}`);
  };

  /** Compare the ranks with those last drawn; a change marks the items that moved. */
  const trackMoves = () => {
    const c = col();
    if (c.rank === st.lastRank) return;
    if (st.lastRank) {
      const before = /** @type {Record<string, number|null>} */ ({});
      const old = st.lastRank;
      st.prevIds.forEach((iid, k) => { before[iid] = old[k]; });
      /** @type {Record<string, number>} */
      const moves = {};
      c.id.forEach((iid, k) => {
        const a = before[iid], b = c.rank[k];
        if (a !== null && a !== undefined && b !== null && a !== b) moves[iid] = a - b;
      });
      // Ranks that did not change (a stability update) keep the marks of the last re-rank.
      if (Object.keys(moves).length) st.moves = moves;
    }
    st.lastRank = c.rank;
    st.prevIds = c.id;
  };

  const drawRows = () => {
    const c = col();
    const n = st.order.length;
    spacer.style.height = `${n * ROW_H}px`;
    // The height is set here, not measured: the first render happens before layout.
    const viewH = Math.min(Math.max(n, 1), VISIBLE_ROWS) * ROW_H;
    scroller.style.height = `${viewH + 2}px`;
    const first = Math.max(0, Math.floor(st.scroll / ROW_H) - OVERSCAN);
    const last = Math.min(n, Math.ceil((st.scroll + viewH) / ROW_H) + OVERSCAN);
    const tmpl = template();
    const rows = [];
    for (let p = first; p < last; p++) {
      const k = st.order[p];
      const id = c.id[k];
      const cells = [
        h("div", { class: "aipo-bl-cell aipo-bl-rank", role: "gridcell" }, moveMark(id),
          h("span", { class: "aipo-bl-ranknum" }, c.rank[k] === null ? "–" : String(c.rank[k]))),
        h("div", { class: "aipo-bl-cell", role: "gridcell" },
          h("button", { class: "aipo-bl-id", "aria-pressed": String(st.selected === id),
            dataset: { focusKey: `id:${id}` }, title: "Show the details",
            onclick: () => { st.selected = st.selected === id ? null : id; drawRows(); drawAside(); } },
          id)),
        h("div", { class: "aipo-bl-cell aipo-bl-title", role: "gridcell", title: c.title[k] }, c.title[k]),
        h("div", { class: "aipo-bl-cell", role: "gridcell" },
          h("span", { class: `aipo-bl-type aipo-bl-type-${c.type[k]}` }, c.type[k])),
        ...inlineFactors().map((f) => h("div", { class: "aipo-bl-cell aipo-bl-numcell",
          role: "gridcell" }, factorCell(k, f))),
        h("div", { class: "aipo-bl-cell aipo-bl-score", role: "gridcell",
          dataset: { score: id } }, fmt(c.score[k])),
        h("div", { class: "aipo-bl-cell", role: "gridcell" }, stability(k)),
        h("div", { class: "aipo-bl-cell", role: "gridcell" }, gate(k)),
      ];
      rows.push(h("div", {
        class: `aipo-bl-row aipo-bl-gaterow-${c.gate[k]}${st.selected === id ? " aipo-bl-selected" : ""}`,
        role: "row", "aria-rowindex": String(p + 2), dataset: { id },
        style: { transform: `translateY(${p * ROW_H}px)`, gridTemplateColumns: tmpl },
      }, ...cells));
    }
    rowsBox.replaceChildren(...rows);
    st.rev += 1;
    ui.root.dataset.rev = String(st.rev);
  };

  /**
   * Scroll so that the item is in view (used after an edit re-ranks it).
   * @param {string} id
   */
  const reveal = (id) => {
    const c = col();
    const p = st.order.findIndex((k) => c.id[k] === id);
    if (p < 0) return;
    const top = p * ROW_H;
    const viewH = Math.min(st.order.length, VISIBLE_ROWS) * ROW_H;
    if (top < st.scroll || top + ROW_H > st.scroll + viewH) {
      st.scroll = Math.max(0, top - 3 * ROW_H);
      scroller.scrollTop = st.scroll;
    }
  };

  const drawAside = () => {
    const v = view();
    const c = v.columns;
    const parts = [];
    const k = st.selected ? c.id.indexOf(st.selected) : -1;
    if (k >= 0) {
      const id = c.id[k];
      const inter = Object.entries(v.intermediates).filter(([, xs]) => xs[k] !== null);
      /** @param {"type"|"status"} field @param {string[]} options */
      const choice = (field, options) => editable()
        ? h("select", { class: "aipo-select", "aria-label": `${field} of ${id}`,
          onchange: (/** @type {Event} */ e) => sendOp(model, "set", { item: id, field,
            value: /** @type {HTMLSelectElement} */ (e.target).value }) },
        ...options.map((o) => h("option", { value: o, selected: o === c[field][k] }, o)))
        : c[field][k];
      parts.push(h("div", { class: "aipo-panel", role: "group", "aria-label": `Details of ${id}` },
        h("h4", {}, `${id}${c.rank[k] ? ` · rank ${c.rank[k]}` : ""}`),
        h("p", { class: "aipo-bl-dtitle" }, c.title[k]),
        h("dl", { class: "aipo-dl" },
          h("dt", {}, "Type"), h("dd", {}, choice("type", v.types)),
          h("dt", {}, "Status"), h("dd", {}, choice("status", v.statuses)),
          ...(st.compact ? v.factor_columns.flatMap((f) => [
            h("dt", { title: v.factor_meta[f].description }, v.factor_meta[f].label),
            h("dd", { class: "aipo-bl-dfactor" }, factorCell(k, f))]) : []),
          h("dt", {}, "Score"), h("dd", {}, fmt(c.score[k])),
          ...inter.flatMap(([name, xs]) => [h("dt", {}, name.replace(/_/g, " ")),
            h("dd", {}, fmt(xs[k]))]),
          c.quadrant[k] ? h("dt", {}, "Quadrant") : null, c.quadrant[k] ? h("dd", {}, c.quadrant[k]) : null,
          h("dt", {}, "Stability"), h("dd", {}, c.stability[k]
            ? `${c.stability[k]}${c.shift[k] ? `: rank moves by up to ${c.shift[k]} (${c.sensitive_to[k]})` : ""}`
            : "not ranked"),
          c.mitigates[k].length ? h("dt", {}, "Mitigates") : null,
          c.mitigates[k].length ? h("dd", {}, c.mitigates[k].join(", ")) : null,
          c.blocked_by[k].length ? h("dt", {}, "Blocked by") : null,
          c.blocked_by[k].length ? h("dd", {}, c.blocked_by[k].join(", ")) : null),
        ...(c.reasons[k] || []).map((r) => h("p", { class: "aipo-muted aipo-bl-note" }, r))));
    }
    const counts = Object.entries(v.counts || {}).map(([g, nn]) => `${nn} ${g === "ok" ? "ranked" : g}`);
    parts.push(h("div", { class: "aipo-panel" }, h("h4", {}, "Method"),
      h("p", { class: "aipo-bl-formula" }, h("code", {}, v.formula)),
      h("p", { class: "aipo-muted" }, counts.join(", ") +
        (v.tier ? `; AI Act tier: ${v.tier.replace(/_/g, " ")}` : "")),
      ...(v.notes || []).map((nt) => h("p", { class: "aipo-muted aipo-bl-note" }, nt))));
    if ((v.problems || []).length) {
      parts.push(h("details", { class: "aipo-panel" },
        h("summary", {}, `${v.problems.length} problem(s)`),
        h("ul", { class: "aipo-bl-problems" }, ...v.problems.map((p) => h("li", {}, p)))));
    }
    ui.aside.replaceChildren(...parts);
  };

  const drawToolbar = () => {
    const v = view();
    const c = v.columns;
    const ranked = c.rank.filter((r) => r !== null).length;
    info.textContent = `${ranked} of ${c.id.length} items ranked`;
    const key = JSON.stringify([v.method, v.weights, v.types, editable(), st.type]);
    if (key === st.toolbarKey) return;
    st.toolbarKey = key;
    methodHolder.replaceChildren(editable()
      ? selectBox("Method", v.methods || [], v.method, (m) => sendOp(model, "method", { method: m }))
      : h("span", { class: "aipo-field" }, h("span", { class: "aipo-field-label" }, "Method"),
        ((v.methods || []).find(([m]) => m === v.method) || ["", v.method])[1]));
    weightsHolder.replaceChildren(...Object.entries(v.weights || {}).map(([name, w]) => {
      if (!editable()) return h("span", { class: "aipo-muted" }, `${name.replace(/_/g, " ")} ${fmt(w)}`);
      const input = /** @type {HTMLInputElement} */ (h("input", { class: "aipo-input aipo-bl-weight",
        type: "number", step: "0.1", min: "0", value: String(w),
        "aria-label": `Weight ${name.replace(/_/g, " ")}`, dataset: { focusKey: `w:${name}` } }));
      input.addEventListener("change", () => {
        const x = Number(input.value);
        if (input.value.trim() !== "" && Number.isFinite(x)) sendOp(model, "weights", { weights: { [name]: x } });
      });
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") input.blur(); });
      return h("label", { class: "aipo-field" }, h("span", { class: "aipo-field-label" },
        name.replace(/_/g, " ")), input);
    }));
    typeHolder.replaceChildren(selectBox("Type",
      [["", "all"], ...(v.types || []).map((t) => /** @type {[string, string]} */ ([t, t]))],
      st.type, (t) => { st.type = t; refilter(); }));
  };

  const draw = timed(ui.root, () => {
    // {} until Python's first computation succeeds; meanwhile the frame shows its error.
    if (!view().columns) return;
    const active = /** @type {HTMLElement|null} */ (document.activeElement);
    const key = st.follow || (active && ui.root.contains(active) ? active.dataset.focusKey : undefined);
    trackMoves();
    drawToolbar();
    refilter(false);
    const followed = st.follow ? st.follow.split(":")[1] : null;
    if (followed) reveal(followed);
    drawRows();
    if (followed) {
      const row = rowsBox.querySelector(`[data-id="${CSS.escape(followed)}"]`);
      if (row) row.classList.add("aipo-bl-flash");
    }
    drawAside();
    st.follow = null;
    if (key && !(active && active.isConnected && active.dataset.focusKey === key)) {
      refocus(ui.root, key);
    }
  });

  return live(model, ui, draw, { refused: () => { st.follow = null; draw(); },
    cleanup: () => resize.disconnect() });
}

export default /** @satisfies {Widget} */ ({ initialize, render });
