// ScenarioWidget: the business case Python analysed (aipo_widgets.analysis.business_case.analyse_view).
// Drivers are inputs ("set" operations), so are the rank correlations between them
// ("correlate"); figures, the chart's series and the simulation all come from the kernel.

/**
 * @typedef {{id: string, unit: string, description: string, conservative: number,
 *   realistic: number, optimistic: number, low: number|null, likely: number|null,
 *   high: number|null, measured: number|null}} DriverRow
 * @typedef {{npv: number, irr_annual: number|null, irr_note: string, roi: number|null,
 *   payback_months: number|null, payback_note: string, break_even_adoption: number|null,
 *   break_even_note: string, cumulative: number[]}} Scenario
 * @typedef {{n: number, seed: number, mean: number, std: number, p10: number, p50: number,
 *   p90: number, minimum: number, maximum: number, p_positive: number, evpi: number,
 *   evppi: [string, number][], evppi_noise_floor: number, bins: number,
 *   correlations: Array<{drivers: string[], rho: number, drawn: number}>,
 *   stale?: boolean}} MonteCarlo MonteCarloResult.to_dict(), EVPPI ranked as [driver, value]
 * @typedef {{drivers: [string, string], rho: number, description: string,
 *   drawn: number|null}} CorrelationRow analysis.business_case_view.correlations_view: requested
 *   and drawn rank correlation of one pair
 * @typedef {{currency: string, horizon_months: number, discount_rate: number,
 *   drivers: DriverRow[], scenarios: Record<string, Scenario>, expected_npv: number,
 *   weights: Record<string, number>, tornado: Array<{driver: string, npv_low: number,
 *   npv_high: number, swing: number}>, monte_carlo: MonteCarlo|null,
 *   correlations: CorrelationRow[], gates: Array<{name: string,
 *   verdict: string, detail: string}>, notes: string[], convention: string}} CaseView
 */

/** Colour and dash pattern of each scenario's line (the presentation tokens). */
const STYLE = AIPO_TOKENS.scenario;
const NS = "http://www.w3.org/2000/svg";
/** Limits of a rho input: the core refuses +-1 (one driver a copy of the other). */
const RHO_MAX = 0.99, RHO_STEP = 0.05;
/** @type {[("conservative"|"realistic"|"optimistic"|"low"|"high"|"measured") & keyof DriverRow,
 *   string][]} [field, label] */
const FIELDS = [["conservative", "Conservative"], ["realistic", "Realistic"],
  ["optimistic", "Optimistic"], ["low", "Low"], ["high", "High"], ["measured", "Measured"]];

/**
 * @param {string} tag
 * @param {Record<string, string|number>} attrs
 */
function svgEl(tag, attrs) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/**
 * @param {{model: Model, el: HTMLElement}} ctx
 * @returns {() => void}
 */
function render({ model, el }) {
  const ui = frame(model, el, { kind: "scenario" });
  /** @returns {CaseView} */
  const view = () => model.get("view");
  const editable = () => !model.get("read_only");
  const st = { rev: 0 };

  const settings = h("span", { class: "aipo-sc-settings" });
  ui.toolbar.append(settings);
  const drivers = h("table", { class: "aipo-sc-drivers", "aria-label": "Drivers" });
  const results = h("table", { class: "aipo-sc-results", "aria-label": "Results by scenario" });
  const chart = svgEl("svg", { viewBox: "0 0 560 240", class: "aipo-sc-chart", role: "img" });
  ui.body.append(drivers, h("div", { class: "aipo-sc-row" }, results, chart));

  /**
   * @param {string} label
   * @param {number|null} value
   * @param {(v: number|null) => void} send
   * @param {string} key
   */
  const numberInput = (label, value, send, key) => {
    if (!editable()) return h("span", {}, fmt(value));
    const input = /** @type {HTMLInputElement} */ (h("input", { class: "aipo-input aipo-sc-num",
      type: "number", step: "any", value: value === null || value === undefined ? "" : String(value),
      "aria-label": label, dataset: { focusKey: key } }));
    input.addEventListener("change", () => {
      const raw = input.value.trim();
      const v = raw === "" ? null : Number(raw);
      if (v === null || Number.isFinite(v)) send(v);
    });
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") input.blur(); });
    return input;
  };

  /**
   * The requested rho of a pair: a number input from -0.99 to 0.99 by 0.05.
   * @param {CorrelationRow} c
   */
  const rhoInput = (c) => {
    const [a, b] = c.drivers;
    const input = numberInput(`Rank correlation of ${a} and ${b}`, c.rho, (x) => {
      if (x === null) draw(); // an emptied field shows the value again; rho has no "unset"
      else sendOp(model, "correlate", { drivers: c.drivers, rho: x });
    }, `c:${a}:${b}`);
    if (!(input instanceof HTMLInputElement)) return input; // read-only: the value as text
    Object.assign(input, { min: String(-RHO_MAX), max: String(RHO_MAX), step: String(RHO_STEP) });
    input.classList.add("aipo-sc-rho");
    // The browser steps from min (-0.99), which lands on 0.51 after 0.5; the arrow keys step
    // from the value shown instead, to the next multiple of 0.05.
    input.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
      e.preventDefault();
      const now = Number(input.value);
      const base = Number.isFinite(now) ? now : c.rho;
      const dir = e.key === "ArrowUp" ? 1 : -1;
      let next = dir > 0 ? Math.floor(base / RHO_STEP + 1e-9) + 1 : Math.ceil(base / RHO_STEP - 1e-9) - 1;
      next = Math.round(next * RHO_STEP * 100) / 100;
      next = Math.min(RHO_MAX, Math.max(-RHO_MAX, next));
      if (next === now) return;
      input.value = String(next);
      input.dispatchEvent(new Event("change"));
    });
    return input;
  };

  /** The correlated pairs, each with its description, requested and drawn rho. */
  const drawCorrelations = () => {
    const v = view();
    const pairs = v.correlations || [];
    if (!pairs.length) return null;
    const stale = Boolean(v.monte_carlo && v.monte_carlo.stale);
    return h("div", { class: "aipo-sc-corr" },
      h("p", { class: "aipo-muted aipo-sc-small" }, "Drawn together (rank correlation):"),
      h("ul", { class: "aipo-sc-list aipo-sc-corr-list", "aria-label": "Correlated drivers" },
        ...pairs.map((c) => h("li", { dataset: { pair: c.drivers.join("~") } },
          h("span", { class: "aipo-sc-pair" }, `${c.drivers[0]} ~ ${c.drivers[1]}`),
          h("span", { class: "aipo-sc-rho-row" },
            h("span", { class: "aipo-muted" }, "ρ "), rhoInput(c),
            h("span", { class: stale ? "aipo-muted" : "", dataset: { fig: "drawn" },
              title: "Spearman correlation of the simulated draws" },
            ` drawn ${c.drawn === null ? "–" : c.drawn.toFixed(2)}`)),
          c.description ? h("span", { class: "aipo-muted aipo-sc-small aipo-sc-why" }, c.description)
            : null))));
  };

  const drawSettings = () => {
    const v = view();
    settings.replaceChildren(
      h("label", { class: "aipo-field" }, h("span", { class: "aipo-field-label" }, "Months"),
        numberInput("Horizon in months", v.horizon_months, (x) => sendOp(model, "setting",
          { field: "horizon_months", value: x === null ? null : Math.round(x) }), "s:horizon")),
      h("label", { class: "aipo-field" }, h("span", { class: "aipo-field-label" }, "Discount rate"),
        numberInput("Annual discount rate", v.discount_rate, (x) => sendOp(model, "setting",
          { field: "discount_rate", value: x }), "s:rate")));
  };

  const drawDrivers = () => {
    const v = view();
    drivers.replaceChildren(
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Driver"),
        ...FIELDS.map(([, label]) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, ...v.drivers.map((d) => h("tr", { dataset: { driver: d.id } },
        h("th", { scope: "row", title: d.description || d.id }, d.id,
          d.unit ? h("span", { class: "aipo-muted" }, ` ${d.unit}`) : null),
        ...FIELDS.map(([f, label]) => h("td", {}, numberInput(`${label} of ${d.id}`,
          d[f], (x) => sendOp(model, "set", { driver: d.id, field: f, value: x }),
          `d:${d.id}:${f}`)))))));
  };

  const drawResults = () => {
    const v = view();
    const names = ["conservative", "realistic", "optimistic"];
    /** @param {string} label @param {(s: Scenario) => string} f */
    const row = (label, f) => h("tr", {}, h("th", { scope: "row" }, label),
      ...names.map((n) => h("td", { dataset: { scenario: n } }, f(v.scenarios[n]))));
    results.replaceChildren(
      h("thead", {}, h("tr", {}, h("th"), ...names.map((n) => h("th", { scope: "col" },
        h("span", { class: `aipo-sc-key aipo-sc-key-${n}` }), n)))),
      h("tbody", {},
        row(`NPV (${v.currency})`, (s) => fmt(s.npv)),
        row("IRR a year", (s) => (s.irr_annual === null ? "–" : `${(s.irr_annual * 100).toFixed(0)}%`)),
        row("ROI", (s) => (s.roi === null ? "–" : `${(s.roi * 100).toFixed(0)}%`)),
        row("Payback", (s) => (s.payback_months === null ? "none" : `${s.payback_months.toFixed(1)} mo`)),
        row("Break-even adoption", (s) => (s.break_even_adoption === null ? "–"
          : `${(s.break_even_adoption * 100).toFixed(0)}%`))),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Expected NPV"),
        h("td", { colspan: "3", dataset: { fig: "expected" } }, `${fmt(v.expected_npv)} ${v.currency}`))));
  };

  const drawChart = () => {
    const v = view();
    const x0 = 70, x1 = 540, y0 = 10, y1 = 200;
    const all = [0, ...Object.values(v.scenarios).flatMap((s) => s.cumulative)];
    const lo = Math.min(...all), hi = Math.max(...all) > lo ? Math.max(...all) : lo + 1;
    const H = v.horizon_months;
    /** @param {number} m */ const sx = (m) => x0 + (m / Math.max(1, H)) * (x1 - x0);
    /** @param {number} y */ const sy = (y) => y1 - ((y - lo) / (hi - lo)) * (y1 - y0);
    const parts = [svgEl("line", { x1: x0, y1: sy(0), x2: x1, y2: sy(0), class: "aipo-sc-zero" })];
    for (const [name, s] of Object.entries(v.scenarios)) {
      const style = STYLE[/** @type {keyof typeof STYLE} */ (name)];
      parts.push(svgEl("polyline", { points: s.cumulative.map((y, m) => `${sx(m).toFixed(1)},${sy(y).toFixed(1)}`).join(" "),
        fill: "none", stroke: style.colour, "stroke-width": 2, "stroke-dasharray": style.dash }));
    }
    for (const y of niceTicks(lo, hi, 4)) {
      parts.push(svgEl("line", { x1: x0, y1: sy(y), x2: x1, y2: sy(y), class: "aipo-sc-grid" }));
      const t = svgEl("text", { x: x0 - 4, y: sy(y) + 4, "text-anchor": "end", class: "aipo-sc-tick" });
      t.textContent = fmt(y);
      parts.push(t);
    }
    for (let m = 0; m <= H; m += Math.max(1, Math.round(H / 6))) {
      const t = svgEl("text", { x: sx(m), y: y1 + 14, "text-anchor": "middle", class: "aipo-sc-tick" });
      t.textContent = String(m);
      parts.push(t);
    }
    const xl = svgEl("text", { x: (x0 + x1) / 2, y: y1 + 30, "text-anchor": "middle", class: "aipo-sc-tick" });
    xl.textContent = `month; cumulative cash flow (${v.currency})`;
    parts.push(xl);
    chart.replaceChildren(...parts);
    chart.setAttribute("aria-label", "Cumulative cash flow by month: " + Object.entries(v.scenarios)
      .map(([n, s]) => `${n} ends at ${fmt(s.cumulative[s.cumulative.length - 1])}`).join(", "));
  };

  const drawAside = () => {
    const v = view();
    const mc = v.monte_carlo;
    const parts = [];
    if (mc) {
      const floor = mc.evppi_noise_floor;
      // Value of information only where it is worth something: a driver whose EVPPI is within
      // the simulation's noise is left out, and when no measurement could change the decision
      // (every draw has the same sign) one sentence says so instead of a list of zeros.
      const worth = mc.evppi.filter(([, x]) => x > 0 && x >= floor).slice(0, 5);
      const voi = mc.evpi > 0
        ? [h("dt", { title: "Expected value of perfect information: what knowing every driver "
          + "exactly before deciding would be worth" }, "Worth knowing all"),
        h("dd", {}, `${fmt(mc.evpi)} ${v.currency}`)]
        : [];
      parts.push(h("div", { class: "aipo-panel" },
        h("h4", {}, "Uncertainty", mc.stale ? h("span", { class: "aipo-muted" }, " (updating…)") : null),
        h("dl", { class: "aipo-dl" },
          h("dt", {}, "P(NPV > 0)"), h("dd", { dataset: { fig: "p_positive" } }, `${(mc.p_positive * 100).toFixed(0)}%`),
          h("dt", {}, "NPV P10 / P50 / P90"), h("dd", {}, `${fmt(mc.p10)} / ${fmt(mc.p50)} / ${fmt(mc.p90)} ${v.currency}`),
          ...voi),
        worth.length ? h("p", { class: "aipo-muted aipo-sc-small" }, "Worth measuring first (EVPPI):") : null,
        worth.length ? h("ol", { class: "aipo-sc-list", dataset: { fig: "evppi" } }, ...worth.map(([d, x]) =>
          h("li", {}, `${d}: ${fmt(x)} ${v.currency}`)))
          : h("p", { class: "aipo-muted aipo-sc-small", dataset: { fig: "evpi-none" } }, mc.evpi > 0
            ? "No single driver is worth measuring on its own (each within the simulation's noise)."
            : "Knowing the drivers exactly would not change the decision: the NPV has the same "
              + "sign in every draw."),
        drawCorrelations(),
        h("p", { class: "aipo-muted aipo-sc-small" }, `Monte Carlo, ${mc.n.toLocaleString("en-US")} draws, seed ${mc.seed}`)));
    } else {
      const corr = drawCorrelations();
      if (corr) parts.push(h("div", { class: "aipo-panel" }, h("h4", {}, "Uncertainty"), corr));
    }
    const top = v.tornado.slice(0, 6);
    const span = Math.max(1, ...top.map((b) => b.swing));
    parts.push(h("div", { class: "aipo-panel" }, h("h4", {}, "NPV swing by driver"),
      h("ul", { class: "aipo-sc-list aipo-sc-tornado" }, ...top.map((b) => h("li", {},
        h("span", { class: "aipo-sc-bar", style: { width: `${Math.round((b.swing / span) * 90)}px` } }),
        ` ${b.driver} ${fmt(b.swing)}`)))));
    parts.push(h("div", { class: "aipo-panel" }, h("h4", {}, "Gates"),
      h("ul", { class: "aipo-sc-list" }, ...v.gates.map((g) => h("li", { title: g.detail },
        h("span", { class: `aipo-sc-verdict aipo-sc-${g.verdict}` }, g.verdict), ` ${g.name}`)))));
    ui.aside.replaceChildren(...parts);
  };

  const draw = timed(ui.root, () => {
    const v = view();
    if (!v || !v.scenarios) return;
    const active = /** @type {HTMLElement|null} */ (document.activeElement);
    const key = active && ui.root.contains(active) ? active.dataset.focusKey : undefined;
    drawSettings();
    drawDrivers();
    drawResults();
    drawChart();
    drawAside();
    if (key) refocus(ui.root, key);
    st.rev += 1;
    ui.root.dataset.rev = String(st.rev);
  });

  return live(model, ui, draw);
}

export default /** @satisfies {Widget} */ ({ initialize, render });
