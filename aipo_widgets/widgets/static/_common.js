// Shared helpers of the AIPO widgets. Prepended to each widget's module by Python
// (aipo_widgets/widgets/_base.py: static_asset), because anywidget loads a module from a
// string and a module cannot import a sibling file. No bundler, no network.
//
// The contract: Python computes everything (values, statuses, bands, scores, ranks) and syncs
// it in the `view` trait; the module renders it and sends operations back with `sendOp`.
// Nothing here is trusted by Python: read-only is enforced in the kernel.

/**
 * The traits every AIPO widget syncs (aipo_widgets/widgets/_base.py: AipoWidget). `view` is
 * the widget's own plain data, typed by each module where it reads it; it is {} until Python's
 * first computation of it succeeds, so a module draws nothing until its keys are there.
 * @typedef {{view: any, read_only: boolean, dirty: boolean, status: string,
 *   status_kind: string, error: string, title: string, which?: "residual"|"inherent"}} WidgetState
 */

/**
 * anywidget's model (get/set/save_changes/on/off/send) over the synced traits.
 * @typedef {import("@anywidget/types").AnyModel<WidgetState>} Model
 */

/**
 * What each widget's module exports (anywidget's `initialize` and `render` hooks).
 * @typedef {import("@anywidget/types").AnyWidget<WidgetState>} Widget
 */

/**
 * A reply from Python to an operation.
 * @typedef {{type: "reply", seq: number|null, ok: boolean, [key: string]: any}} Reply
 */

/**
 * Create an element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attrs] attributes; `class`, `text`, `on*` (listeners),
 *   `dataset` and `style` objects are handled specially; null/false values are skipped.
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/**
 * Format a number for display: AIPO_TOKENS.number.digits (three) significant figures, every
 * digit of a larger number, thousands separated, scientific below 1e-4; the missing sign for
 * null, NaN and infinity; the marks for true/false; a "share" unit as a percentage and a scale
 * unit ("1-5") in brackets. Mirrors aipo_widgets._text
 * .format_number so that widget and picture read the same, down to rounding a tie half to even
 * as Python does (toFixed and toExponential round it half up).
 * @param {number|boolean|null|undefined} value
 * @param {string} [unit]
 * @returns {string}
 */
function fmt(value, unit = "") {
  const N = AIPO_TOKENS.number;
  if (typeof value === "boolean") return value ? N.yes : N.no;
  if (value === null || value === undefined || !Number.isFinite(value)) return N.missing;
  if (unit === "share") return fmt(value * 100, "%");
  const a = Math.abs(value);
  const sign = value < 0 ? "-" : "";
  let text;
  if (a >= 10 ** (N.digits - 1)) {
    const whole = a >= 1e21 ? BigInt(a).toString() : fixedHalfEven(a, 0);
    text = sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, N.thousands);
  } else if (a >= 10) {
    let k = N.digits - 2;
    while (a < 10 ** k) k -= 1;
    text = sign + stripZeros(fixedHalfEven(a, N.digits - 1 - k));
  } else if (a === 0) {
    text = "0";
  } else {
    text = sign + generalHalfEven(a, N.digits);
  }
  if (!unit) return text;
  if (unit === "%") return `${text}%`;
  return SCALE_UNIT.test(unit) ? `${text} (${unit})` : `${text} ${unit}`;
}

// A rating scale as unit ("1-5"): as _SCALE in aipo_widgets/_text.py.
const SCALE_UNIT = /^-?\d+(\.\d+)?\s*(-|–|to)\s*-?\d+(\.\d+)?$/;

/**
 * "12.50" -> "12.5", "12.0" -> "12" (only after a decimal point).
 * @param {string} s
 * @returns {string}
 */
function stripZeros(s) {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/**
 * `a.toFixed(dec)` for 0 <= a < 1e21, an exact tie rounded half to even (Python's rounding).
 * @param {number} a
 * @param {number} dec
 * @returns {string}
 */
function fixedHalfEven(a, dec) {
  const up = a.toFixed(dec);
  // A tie is a.bcd5 exactly, so a * 10^dec is then computed exactly: this test has no false
  // negatives; the exact digits below rule out the false positives.
  if ((a * 10 ** dec) % 1 !== 0.5) return up;
  const exact = a.toFixed(60); // every digit of a double >= 1 (at most 52 binary places)
  const cut = exact.indexOf(".") + 1 + dec;
  if (!/^50*$/.test(exact.slice(cut))) return up;
  const kept = exact.slice(0, dec ? cut : cut - 1);
  return Number(kept[kept.length - 1]) % 2 === 0 ? kept : up;
}

/**
 * Python's `format(a, ".<p>g")` for 0 < a: p significant digits, trailing zeros dropped,
 * scientific notation below 1e-4; an exact tie rounded half to even.
 * @param {number} a
 * @param {number} p
 * @returns {string}
 */
function generalHalfEven(a, p) {
  let [mantissa, exp] = a.toExponential(p - 1).split("e");
  const more = a.toExponential(p);
  if (more[more.indexOf("e") - 1] === "5") { // maybe a tie: look at every digit
    const [digits, e] = a.toExponential(99).split("e");
    const plain = digits.replace(".", "");
    if (/^50*$/.test(plain.slice(p)) && Number(plain[p - 1]) % 2 === 0) {
      mantissa = plain[0] + (p > 1 ? `.${plain.slice(1, p)}` : "");
      exp = e;
    }
  }
  const x = Number(exp);
  if (x < -4 || x >= p) {
    const e2 = String(Math.abs(x)).padStart(2, "0");
    return `${stripZeros(mantissa)}e${x < 0 ? "-" : "+"}${e2}`;
  }
  return stripZeros(Number(`${mantissa}e${x}`).toFixed(Math.max(0, p - 1 - x)));
}

/**
 * The words shown with a metric's status (AIPO_TOKENS.status), e.g. "! at risk".
 * @param {string} status
 * @returns {string}
 */
function statusLabel(status) {
  const t = /** @type {Record<string, {label: string}|undefined>} */ (AIPO_TOKENS.status)[status];
  return t ? t.label : status;
}

let _aipoSeq = 0;

/**
 * Send an operation to Python. Returns its sequence number; the reply carries it.
 * @param {Model} model
 * @param {string} op
 * @param {Record<string, any>} [fields]
 * @returns {number}
 */
function sendOp(model, op, fields = {}) {
  _aipoSeq += 1;
  model.send({ op, seq: _aipoSeq, ...fields });
  return _aipoSeq;
}

/**
 * Build the frame every AIPO widget shares: heading, toolbar, error banner, body, footer with
 * the save button and the save status. Keeps itself in sync with the common traits.
 * @param {Model} model
 * @param {HTMLElement} el
 * @param {{kind: string}} opts kind: a CSS modifier, e.g. "risk"
 * @returns {{root: HTMLElement, toolbar: HTMLElement, body: HTMLElement,
 *   aside: HTMLElement, onReply: (cb: (r: Reply) => void) => void, destroy: () => void}}
 */
function frame(model, el, opts) {
  const title = h("h3", { class: "aipo-title" });
  const badge = h("span", { class: "aipo-badge", text: "read-only", title:
    "Shown for reading: edits are not accepted" });
  const toolbar = h("div", { class: "aipo-toolbar", role: "toolbar" });
  const errorText = h("span", { class: "aipo-error-text" });
  const errorBox = h("div", { class: "aipo-error", role: "alert" }, h("strong", {}, "Error: "),
    errorText,
    h("button", { class: "aipo-btn aipo-btn-quiet", "aria-label": "Dismiss the error",
      onclick: () => { errorBox.hidden = true; } }, "×"));
  const body = h("div", { class: "aipo-body" });
  const aside = h("div", { class: "aipo-aside" });
  const main = h("div", { class: "aipo-main" }, body, aside);
  const statusText = h("span", { class: "aipo-status-text", role: "status",
    "aria-live": "polite" });
  const saveBtn = h("button", { class: "aipo-btn aipo-btn-primary aipo-save",
    title: "Write the edits to aipo.yaml (comments are kept)",
    onclick: () => sendOp(model, "save") }, "Save");
  const reloadBtn = h("button", { class: "aipo-btn aipo-conflict-btn",
    title: "Discard your unsaved edits and load the file as it is on disk",
    onclick: () => sendOp(model, "reload") }, "Reload from disk");
  const forceBtn = h("button", { class: "aipo-btn aipo-conflict-btn",
    title: "Overwrite the file on disk with your version",
    onclick: () => sendOp(model, "save", { force: true }) }, "Overwrite");
  const footer = h("div", { class: "aipo-footer" }, statusText, reloadBtn, forceBtn, saveBtn);
  const root = h("section", { class: `aipo aipo-${opts.kind}`, role: "region" },
    h("div", { class: "aipo-head" }, title, badge, toolbar), errorBox, main, footer);
  el.replaceChildren(root);

  const sync = () => {
    const ro = !!model.get("read_only");
    title.textContent = model.get("title") || "";
    root.setAttribute("aria-label", model.get("title") || "AIPO widget");
    root.classList.toggle("aipo-ro", ro);
    badge.hidden = !ro;
    const err = model.get("error") || "";
    errorText.textContent = err;
    errorBox.hidden = !err;
    const dirty = !!model.get("dirty");
    const kind = model.get("status_kind") || "";
    statusText.textContent = model.get("status") || (dirty ? "Unsaved changes" : "");
    statusText.className = `aipo-status-text aipo-status-${kind || "none"}`;
    saveBtn.hidden = ro;
    saveBtn.disabled = !dirty && kind !== "error";
    reloadBtn.hidden = ro || kind !== "conflict";
    forceBtn.hidden = ro || kind !== "conflict";
    footer.hidden = ro && !err;
  };
  sync();
  const names = ["title", "read_only", "error", "dirty", "status", "status_kind"];
  for (const n of names) model.on(`change:${n}`, sync);

  /** @type {((r: Reply) => void)[]} */
  const replyHandlers = [];
  /** @param {any} msg */
  const onMsg = (msg) => {
    if (msg && msg.type === "reply") for (const cb of replyHandlers) cb(msg);
  };
  model.on("msg:custom", onMsg);
  return {
    root, toolbar, body, aside,
    onReply: (cb) => { replyHandlers.push(cb); },
    destroy: () => {
      for (const n of names) model.off(`change:${n}`, sync);
      model.off("msg:custom", onMsg);
    },
  };
}

/**
 * Draw a widget now and whenever its view or read-only flag changes; return the cleanup that
 * anywidget's render must return (every listener off, the frame's too).
 * @param {Model} model
 * @param {{destroy: () => void, onReply: (cb: (r: Reply) => void) => void}} ui the frame
 * @param {() => void} draw
 * @param {{view?: () => void, refused?: (() => void)|null, cleanup?: () => void}} [opts]
 *   view: what a new view runs (default draw); refused: what a refused edit runs, to put the
 *   controls back to the view's values (default draw; null: nothing); cleanup: more to undo
 * @returns {() => void}
 */
function live(model, ui, draw, { view = draw, refused = draw, cleanup } = {}) {
  draw();
  model.on("change:view", view);
  model.on("change:read_only", draw);
  if (refused) ui.onReply((r) => { if (!r.ok) refused(); });
  return () => {
    if (cleanup) cleanup();
    model.off("change:view", view);
    model.off("change:read_only", draw);
    ui.destroy();
  };
}

/**
 * A <select> with labelled options.
 * @param {string} label accessible name
 * @param {[string, string][]} options [value, text] pairs
 * @param {string} value
 * @param {(v: string) => void} onChange
 * @returns {HTMLLabelElement}
 */
function selectBox(label, options, value, onChange) {
  const sel = h("select", { class: "aipo-select", onchange: () => onChange(sel.value) },
    ...options.map(([v, t]) => h("option", { value: v, selected: v === value }, t)));
  return /** @type {HTMLLabelElement} */ (h("label", { class: "aipo-field" },
    h("span", { class: "aipo-field-label" }, label), sel));
}

/**
 * Wrap a draw function so that each call records its duration on `root` (data-draw-ms): the
 * benchmark splits a round trip into drawing and the rest with it.
 * @param {HTMLElement} root
 * @param {() => void} fn
 * @returns {() => void}
 */
function timed(root, fn) {
  return () => {
    const t0 = performance.now();
    fn();
    root.dataset.drawMs = (performance.now() - t0).toFixed(1);
  };
}

/**
 * Apply a patch from Python (aipo_widgets.widgets._base.view_patch) to a view, copying only
 * the containers on the changed paths: unchanged parts keep their identity, so drawing code
 * can skip them and Backbone's equality check stays cheap.
 * @param {any} view
 * @param {([Array<string|number>] | [Array<string|number>, any])[]} ops
 * @returns {any}
 */
function applyPatch(view, ops) {
  const copied = new Set();
  let root = Array.isArray(view) ? view.slice() : { ...view };
  copied.add(root);
  for (const op of ops) {
    const path = op[0];
    if (path.length === 0) { root = op[1]; copied.add(root); continue; }
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i];
      let child = node[k];
      if (!copied.has(child)) {
        child = Array.isArray(child) ? child.slice() : { ...child };
        node[k] = child;
        copied.add(child);
      }
      node = child;
    }
    const last = path[path.length - 1];
    if (op.length === 1) delete node[last];
    else node[last] = op[1];
  }
  return root;
}

/**
 * anywidget's model-level hook: keep the model's `view` up to date with Python's patches,
 * whether or not a view of the widget is on the page. A patch that does not fit (a message
 * was missed) asks Python for the whole view instead.
 * @param {{model: Model}} ctx
 * @returns {() => void}
 */
function initialize({ model }) {
  /** @param {any} msg */
  const onMsg = (msg) => {
    if (!msg || msg.type !== "patch") return;
    const view = model.get("view") || {};
    if (view.rev !== msg.base) {
      model.send({ op: "resync" });
      return;
    }
    model.set("view", applyPatch(view, msg.ops));
  };
  model.on("msg:custom", onMsg);
  return () => model.off("msg:custom", onMsg);
}

/**
 * Give the focus back to the element carrying `key` (data-focus-key) on the next frame: right
 * after a redraw, focusing would force an extra layout of the whole notebook.
 * @param {HTMLElement} root
 * @param {string} key
 * @param {boolean} [select] select an input's text
 */
function refocus(root, key, select = false) {
  requestAnimationFrame(() => {
    const t = /** @type {HTMLElement|null} */ (root.querySelector(
      `[data-focus-key="${CSS.escape(key)}"]`));
    if (!t || document.activeElement === t) return;
    t.focus({ preventScroll: true });
    if (select && t instanceof HTMLInputElement) t.select();
  });
}

/**
 * Round tick values for an axis from lo to hi: about `count` steps of 1, 2 or 5 times a power
 * of ten, so that a person reads 900,000 and 1,200,000 rather than 839,703 and 1,303,575.
 * @param {number} lo
 * @param {number} hi
 * @param {number} [count]
 * @returns {number[]}
 */
function niceTicks(lo, hi, count = 5) {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || raw;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    out.push(Math.round(t / step) * step);
  }
  return out;
}
