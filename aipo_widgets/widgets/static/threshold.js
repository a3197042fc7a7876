// ThresholdExplorer: the cost curve Python computed (aipo_widgets.figures.threshold) with a
// slider over its points. Every figure shown is read from the curve; the per-group recall is
// asked of the kernel ("groups" query) and "Use this threshold" sends a "decide" operation.

/**
 * @typedef {{threshold: (number|null)[], tp: number[], fp: number[], fn: number[],
 *   tn: number[], precision: (number|null)[], recall: (number|null)[], flagged: number[],
 *   cost: number[], per_item: number[], per_period: number[]|null, optimum: number,
 *   downsampled_from: number|null}} Curve
 * @typedef {{curve: Curve, optimum: Record<string, any>, costs: Record<string, number>,
 *   n: number, n_pos: number, volume_per_period: number|null, period: string,
 *   decided: number|null, has_groups: boolean, group_column: string,
 *   currency: string}} ThresholdView
 * @typedef {{group: string, recall: number|null, positives: number, size: number,
 *   sufficient: boolean}} GroupRow
 */

const SVG_NS = "http://www.w3.org/2000/svg";
/** The chart's view box and plot area: the slider spans the same x range (see .aipo-th-plot). */
const W = 520, X0 = 60, X1 = 510;

/**
 * What each cost term means, in words (the keys are those of settings.threshold_costs).
 * @param {Record<string, number>} costs
 * @param {string} cur currency
 * @returns {string[]}
 */
function costWords(costs, cur) {
  const money = (/** @type {number} */ x) => `${fmt(x)}${cur ? ` ${cur}` : ""}`;
  const out = [];
  if (costs.c_fn) out.push(`a missed positive (false negative, c_fn) costs ${money(costs.c_fn)}`);
  if (costs.c_fp) out.push(`a false alarm (false positive, c_fp) costs ${money(costs.c_fp)}`);
  if (costs.c_tp) out.push(`a caught positive (true positive, c_tp) still costs ${money(costs.c_tp)}`);
  if (costs.c_tn) out.push(`a correct all-clear (true negative, c_tn) costs ${money(costs.c_tn)}`);
  if (costs.review_cost) out.push(`reviewing one flag costs ${money(costs.review_cost)}`);
  return out;
}

/**
 * @param {string} tag
 * @param {Record<string, string|number>} attrs
 * @returns {SVGElement}
 */
function s(tag, attrs) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * @param {{model: Model, el: HTMLElement}} ctx
 * @returns {() => void}
 */
function render({ model, el }) {
  const ui = frame(model, el, { kind: "threshold" });
  /** @returns {ThresholdView} */
  const view = () => model.get("view");
  const editable = () => !model.get("read_only");
  const st = {
    index: view() && view().curve ? view().curve.optimum : 0,
    /** @type {{groups: GroupRow[], difference: number|null}|null} */ groups: null,
    groupsFor: -1,
    groupSeq: 0,
    /** @type {number|undefined} */ timer: undefined,
    rev: 0,
  };

  const slider = /** @type {HTMLInputElement} */ (h("input", { type: "range", min: "0",
    step: "1", class: "aipo-th-slider", "aria-label": "Threshold" }));
  const tLabel = h("output", { class: "aipo-th-t" });
  const toOpt = h("button", { class: "aipo-btn", onclick: () => setIndex(view().curve.optimum) },
    "Cost optimum");
  const toDecided = h("button", { class: "aipo-btn", onclick: () => {
    const d = view().decided;
    if (d !== null) setIndex(nearest(d));
  } }, "Decided");
  const useBtn = h("button", { class: "aipo-btn aipo-btn-primary aipo-edit-only",
    title: "Record this threshold and the costs assumed in the decision log",
    onclick: () => sendOp(model, "decide", { index: st.index }) }, "Use this threshold");
  ui.toolbar.append(toOpt, toDecided, useBtn);
  const chart = s("svg", { class: "aipo-th-chart", viewBox: "0 0 520 260", role: "img" });
  const figures = h("div", { class: "aipo-th-figures" });
  // The slider sits under the chart in a box of the chart's width, inset to the plot's x range
  // (minus half a thumb each side), so the thumb stands under the selected point.
  const slideBox = h("div", { class: "aipo-th-slidebox", style: {
    marginLeft: `calc(${((X0 / W) * 100).toFixed(3)}% - 8px)`,
    width: `calc(${(((X1 - X0) / W) * 100).toFixed(3)}% + 16px)` } }, slider);
  ui.body.append(h("div", { class: "aipo-th-slide" }, h("span", { class: "aipo-field-label" },
    "Threshold"), tLabel), h("div", { class: "aipo-th-plot" }, chart, slideBox), figures);
  slider.addEventListener("input", () => setIndex(Number(slider.value)));
  // Keys handled here (not left to the browser) so that a host page's shortcuts (JupyterLab's
  // notebook, Voila) cannot swallow them; the steps are the curve's points.
  slider.addEventListener("keydown", (e) => {
    const n = view().curve.threshold.length;
    /** @type {Record<string, number>} */
    const steps = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1,
      PageUp: 10, PageDown: -10, Home: -n, End: n };
    if (!(e.key in steps)) return;
    e.preventDefault();
    e.stopPropagation();
    setIndex(st.index + steps[e.key]);
  });

  /**
   * The curve point closest to a threshold value.
   * @param {number} t
   */
  const nearest = (t) => {
    const ts = view().curve.threshold;
    let best = 0;
    for (let i = 0; i < ts.length; i++) {
      const x = ts[i];
      if (x !== null && Math.abs(x - t) < Math.abs((ts[best] ?? Infinity) - t)) best = i;
    }
    return best;
  };

  /** @param {number} i */
  const setIndex = (i) => {
    const n = view().curve.threshold.length;
    st.index = Math.max(0, Math.min(n - 1, i));
    draw();
    askGroups();
  };

  const askGroups = () => {
    if (!view().has_groups) return;
    clearTimeout(st.timer);
    // While the slider moves, ask once it rests for a moment.
    st.timer = window.setTimeout(() => {
      st.groupSeq = sendOp(model, "groups", { index: st.index });
    }, 120);
  };

  /** @param {number|null} t */
  const tText = (t) => (t === null ? "none (flag nothing)" : fmt(t));

  const drawChart = () => {
    const v = view();
    const c = v.curve;
    const ys = c.per_period || c.per_item;
    const n = ys.length;
    const x0 = X0, x1 = X1, y0 = 12, y1 = 220;
    const cur = v.currency ? ` ${v.currency}` : "";
    const lo = Math.min(...ys), hi = Math.max(...ys) > lo ? Math.max(...ys) : lo + 1;
    /** @param {number} i */ const sx = (i) => x0 + (i / Math.max(1, n - 1)) * (x1 - x0);
    /** @param {number} y */ const sy = (y) => y1 - ((y - lo) / (hi - lo)) * (y1 - y0);
    const parts = [
      s("line", { x1: x0, y1, x2: x1, y2: y1, class: "aipo-th-axis" }),
      s("line", { x1: x0, y1: y0, x2: x0, y2: y1, class: "aipo-th-axis" }),
      s("polyline", { points: ys.map((y, i) => `${sx(i).toFixed(1)},${sy(y).toFixed(1)}`).join(" "),
        class: "aipo-th-curve" }),
    ];
    for (const f of [0, 0.5, 1]) {
      const i = Math.round(f * (n - 1));
      const t = s("text", { x: sx(i), y: y1 + 14, "text-anchor": f === 0 ? "start" : f === 1 ? "end" : "middle",
        class: "aipo-th-tick" });
      t.textContent = c.threshold[i] === null ? "none" : fmt(c.threshold[i]);
      parts.push(t);
    }
    for (const yv of niceTicks(lo, hi)) {
      parts.push(s("line", { x1: x0 - 3, y1: sy(yv), x2: x0, y2: sy(yv), class: "aipo-th-axis" }));
      const u = s("text", { x: x0 - 5, y: sy(yv) + 3, "text-anchor": "end", class: "aipo-th-tick" });
      u.textContent = fmt(yv);
      parts.push(u);
    }
    const unit = c.per_period ? `per ${v.period}` : "per item";
    const xl = s("text", { x: (x0 + x1) / 2, y: y1 + 32, "text-anchor": "middle", class: "aipo-th-tick" });
    xl.textContent = `threshold (points spaced by rank); expected cost${cur} ${unit}`;
    parts.push(xl);
    if (v.decided !== null && v.decided !== undefined) {
      const d = nearest(v.decided);
      parts.push(s("line", { x1: sx(d), y1: y0, x2: sx(d), y2: y1, class: "aipo-th-decided" }));
      const dl = s("text", { x: sx(d) + 3, y: y0 + 10, class: "aipo-th-tick" });
      dl.textContent = `decided ${fmt(v.decided)}`;
      parts.push(dl);
    }
    const o = c.optimum;
    parts.push(s("circle", { cx: sx(o), cy: sy(ys[o]), r: 5, class: "aipo-th-opt" }));
    parts.push(s("line", { x1: sx(st.index), y1: y0, x2: sx(st.index), y2: y1,
      class: "aipo-th-sel" }));
    parts.push(s("circle", { cx: sx(st.index), cy: sy(ys[st.index]), r: 4, class: "aipo-th-seldot" }));
    chart.replaceChildren(...parts);
    chart.setAttribute("aria-label", `Expected cost ${unit} over ${n} thresholds; optimum at ` +
      `${tText(c.threshold[o])}`);
    chart.onclick = (e) => {
      const r = chart.getBoundingClientRect();
      const x = ((e.clientX - r.left) / r.width) * W;
      setIndex(Math.round(((x - x0) / (x1 - x0)) * (n - 1)));
    };
  };

  const drawFigures = () => {
    const v = view();
    const c = v.curve;
    const k = st.index;
    const o = c.optimum;
    const ys = c.per_period || c.per_item;
    const cur = v.currency ? ` ${v.currency}` : "";
    const unit = `${cur} ${c.per_period ? `per ${v.period}` : "per item"}`.trim();
    const extra = ys[k] - ys[o];
    const cell = (/** @type {string} */ name, /** @type {number} */ count, /** @type {string} */ cls) =>
      h("td", { class: `aipo-th-cell ${cls}`, dataset: { cell: name } },
        h("span", { class: "aipo-muted" }, name), h("strong", {}, count.toLocaleString("en-US")));
    const matrix = h("table", { class: "aipo-th-matrix", "aria-label": "Confusion matrix" },
      h("thead", {}, h("tr", {}, h("th", {}), h("th", { scope: "col" }, "not flagged"),
        h("th", { scope: "col" }, "flagged"))),
      h("tbody", {},
        h("tr", {}, h("th", { scope: "row" }, "negative"), cell("TN", c.tn[k], "aipo-th-ok"),
          cell("FP", c.fp[k], "aipo-th-bad")),
        h("tr", {}, h("th", { scope: "row" }, "positive"), cell("FN", c.fn[k], "aipo-th-bad"),
          cell("TP", c.tp[k], "aipo-th-ok"))));
    const dl = h("dl", { class: "aipo-dl" },
      h("dt", {}, "Recall"), h("dd", { dataset: { fig: "recall" } }, fmt(c.recall[k])),
      h("dt", {}, "Precision"), h("dd", { dataset: { fig: "precision" } }, fmt(c.precision[k])),
      h("dt", {}, "Flagged"), h("dd", {}, `${(c.flagged[k] * 100).toFixed(1)}% of ${v.n.toLocaleString("en-US")}`),
      h("dt", {}, "Expected cost"), h("dd", { dataset: { fig: "cost" } }, `${fmt(ys[k])} ${unit}`),
      h("dt", {}, "vs optimum"), h("dd", {}, extra > 0 ? `+${fmt(extra)} ${unit}` : "this is the optimum"),
      h("dt", {}, "Flag nothing"), h("dd", {}, `${fmt(ys[ys.length - 1])} ${unit}`),
      h("dt", {}, "Flag everything"), h("dd", {}, `${fmt(ys[0])} ${unit}`),
      v.optimum.p_star !== null ? h("dt", { title: "Elkan's p*: c_fp / (c_fp + c_fn), for "
        + "calibrated scores (Elkan 2001, The Foundations of Cost-Sensitive Learning)" },
      "Break-even probability") : null,
      v.optimum.p_star !== null ? h("dd", {}, `${fmt(v.optimum.p_star)} (flag when the chance `
        + "of a positive is above this; for calibrated scores)") : null);
    const words = costWords(v.costs, v.currency);
    const costs = h("p", { class: "aipo-muted aipo-th-costs" }, "Costs assumed: " + words.join("; ")
      + (v.volume_per_period ? `; ${fmt(v.volume_per_period)} items per ${v.period}` : "") + ".");
    const parts = [h("div", { class: "aipo-th-row" }, matrix, dl), costs];
    for (const note of v.optimum.notes || []) parts.push(h("p", { class: "aipo-muted aipo-th-note" }, note));
    figures.replaceChildren(...parts);
  };

  const drawGroups = () => {
    const v = view();
    if (!v.has_groups) { ui.aside.replaceChildren(); return; }
    const g = st.groups;
    const stale = st.groupsFor !== st.index;
    ui.aside.replaceChildren(h("div", { class: "aipo-panel aipo-th-groups" },
      h("h4", {}, `Recall by ${v.group_column}`, stale ? h("span", { class: "aipo-muted" }, " (updating…)") : null),
      g ? h("table", { class: "aipo-th-gtable" },
        h("thead", {}, h("tr", {}, h("th", {}, "group"), h("th", {}, "recall"), h("th", {}, "positives"))),
        h("tbody", {}, ...g.groups.map((r) => h("tr", { class: r.sufficient ? null : "aipo-muted",
          title: r.sufficient ? null : "too few rows: shown, not ranked" },
        h("td", {}, r.group), h("td", {}, h("span", { class: "aipo-th-bar",
          style: { width: `${Math.round((r.recall || 0) * 48)}px` } }), ` ${fmt(r.recall)}`),
        h("td", {}, String(r.positives)))))) : h("p", { class: "aipo-muted" }, "…"),
      g && g.difference !== null ? h("p", { class: "aipo-muted" },
        `largest difference ${fmt(g.difference)}`) : null));
  };

  const draw = timed(ui.root, () => {
    const v = view();
    if (!v || !v.curve) return;
    const n = v.curve.threshold.length;
    if (st.index >= n) st.index = v.curve.optimum;
    slider.max = String(n - 1);
    slider.value = String(st.index);
    const t = v.curve.threshold[st.index];
    slider.setAttribute("aria-valuetext", tText(t));
    tLabel.textContent = tText(t);
    toDecided.hidden = v.decided === null || v.decided === undefined;
    useBtn.hidden = !editable();
    drawChart();
    drawFigures();
    drawGroups();
    st.rev += 1;
    ui.root.dataset.rev = String(st.rev);
    ui.root.dataset.index = String(st.index);
  });

  ui.onReply((r) => {
    if (r.seq === st.groupSeq && r.ok) {
      st.groups = r.groups;
      st.groupsFor = r.index;
      drawGroups();
    } else if (!r.ok) draw();
  });
  const stop = live(model, ui, draw, { refused: null, cleanup: () => clearTimeout(st.timer) });
  askGroups();
  return stop;
}

export default /** @satisfies {Widget} */ ({ initialize, render });
