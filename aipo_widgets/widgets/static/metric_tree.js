// MetricTreeWidget: renders the tree Python computed (Tree.to_view in aipo_widgets.analysis.metric_tree):
// values, progress, statuses and the rules behind them, the sensitivity ranking. Edits go back
// as "set" operations; what-if asks the kernel ("whatif" query) and shows its answer.

/**
 * @typedef {{id: string, name: string, unit: string, designation: string, direction: string,
 *   parent: string|null, depth: number, formula: string|null, value: number|null,
 *   baseline: number|null, target: number|null, threshold: number|null,
 *   progress: number|null, status: string, rule: string, measured: boolean,
 *   has_children: boolean, current: number|null, declared_baseline: number|null,
 *   declared_target: number|null, owner: string, description: string, source: string,
 *   cadence: string, guardrails: string[], guardrails_breached: string[],
 *   inputs: Record<string, number|null>, baseline_source: string|null,
 *   target_source: string|null, implied_target: number|null}} TreeNode
 * @typedef {{input: string, value: number, elasticity: number|null,
 *   delta_for_plus_1pct: number|null, aligned: boolean|null, rank: number, note: string}} Lever
 * @typedef {{root: string|null, nodes: TreeNode[], counts: Record<string, number>,
 *   warnings: string[],
 *   sensitivity: {node: string|null, items: Lever[], error: string, value?: number,
 *     stale?: boolean}}} TreeView
 * @typedef {{before: Record<string, number|null>, after: Record<string, number|null>,
 *   root_before: number|null, root_after: number|null, changes: Record<string, number>}} WhatIf
 */

const DESIGNATION = { north_star: "north star", input: "input", driver: "driver",
  guardrail: "guardrail", counter: "counter", proxy: "proxy", health: "health" };

/**
 * @param {{model: Model, el: HTMLElement}} ctx
 * @returns {() => void}
 */
function render({ model, el }) {
  const ui = frame(model, el, { kind: "tree" });
  const st = {
    /** @type {Set<string>} */ collapsed: new Set(),
    /** @type {string|null} */ selected: null,
    whatifMode: false,
    /** @type {Record<string, number>} */ whatif: {},
    /** @type {WhatIf|null} */ result: null,
    whatifSeq: 0,
    /** @type {string|null} */ editing: null,
    rev: 0,
  };
  /** @returns {TreeView} */
  const view = () => model.get("view");
  const editable = () => !model.get("read_only");

  const whatifBtn = h("button", { class: "aipo-btn aipo-edit-only", "aria-pressed": "false",
    title: "Change measured values to see every computed metric move (nothing is saved)",
    onclick: () => {
      st.whatifMode = !st.whatifMode;
      if (!st.whatifMode) { st.whatif = {}; st.result = null; }
      draw();
    } }, "What-if");
  const resetBtn = h("button", { class: "aipo-btn aipo-edit-only", hidden: true,
    onclick: () => { st.whatif = {}; st.result = null; draw(); } }, "Reset what-if");
  const counts = h("span", { class: "aipo-mt-counts", "aria-label": "Statuses" });
  // A read-only page (the stakeholder pages) shows the tree and its statuses only: no what-if,
  // no expand/collapse-all buttons that read as controls of something to edit (hidden by
  // .aipo-ro .aipo-edit-only, so that read_only changed from Python shows or hides them).
  ui.toolbar.append(counts,
    h("button", { class: "aipo-btn aipo-edit-only", onclick: () => { st.collapsed.clear(); draw(); } },
      "Expand all"),
    h("button", { class: "aipo-btn aipo-edit-only", onclick: () => {
      for (const n of view().nodes || []) if (n.has_children && n.depth > 0) st.collapsed.add(n.id);
      draw();
    } }, "Collapse all"),
    whatifBtn, resetBtn);

  const table = h("table", { class: "aipo-mt-table", role: "treegrid",
    "aria-label": "Metric tree" });
  ui.body.append(table);

  /**
   * Ask the kernel what the tree would look like with the what-if values.
   */
  const askWhatIf = () => {
    if (!Object.keys(st.whatif).length) { st.result = null; draw(); return; }
    st.whatifSeq = sendOp(model, "whatif", { changes: st.whatif });
  };

  /**
   * A number that becomes an input on click (Enter saves, Escape cancels).
   * @param {TreeNode} n
   * @param {string} field
   * @param {number|null} value
   * @param {string} label
   * @param {string} [prefix]
   * @returns {HTMLElement}
   */
  const editableNumber = (n, field, value, label, prefix = "") => {
    const text = prefix + fmt(value);
    if (!editable()) return h("span", {}, text);
    const key = `${n.id}:${field}`;
    if (st.editing === key) {
      const input = /** @type {HTMLInputElement} */ (h("input", {
        class: "aipo-input aipo-mt-input", type: "number", step: "any",
        value: value === null ? "" : String(value), "aria-label": `${label} of ${n.name}`,
        dataset: { focusKey: `edit:${key}` },
      }));
      let done = false;
      const commit = () => {
        if (done) return;
        done = true;
        st.editing = null;
        const raw = input.value.trim();
        const v = raw === "" ? null : Number(raw);
        if (v !== value && (v === null || Number.isFinite(v))) {
          sendOp(model, "set", { node: n.id, field, value: v });
        } else draw();
      };
      input.addEventListener("keydown", (e) => {
        if (e.key === "Enter") { e.preventDefault(); commit(); }
        if (e.key === "Escape") { done = true; st.editing = null; draw(); }
      });
      input.addEventListener("blur", commit);
      return input;
    }
    return h("button", { class: "aipo-mt-edit", title: `Edit the ${label.toLowerCase()}`,
      "aria-label": `${label} of ${n.name}: ${text || "empty"}. Edit`,
      dataset: { focusKey: `cell:${key}`, field },
      onclick: () => { st.editing = key; draw(); } }, text);
  };

  /**
   * The what-if input of a measured node.
   * @param {TreeNode} n
   */
  const whatifInput = (n) => {
    const v = st.whatif[n.id] ?? n.value;
    const input = /** @type {HTMLInputElement} */ (h("input", {
      class: "aipo-input aipo-mt-input aipo-mt-whatif-input", type: "number", step: "any",
      value: v === null ? "" : String(v), "aria-label": `What-if value of ${n.name}`,
      dataset: { focusKey: `whatif:${n.id}` },
    }));
    input.addEventListener("change", () => {
      const raw = input.value.trim();
      if (raw === "" || !Number.isFinite(Number(raw))) delete st.whatif[n.id];
      else st.whatif[n.id] = Number(raw);
      askWhatIf();
    });
    return input;
  };

  /**
   * @param {TreeNode} n
   * @returns {HTMLElement}
   */
  const progress = (n) => {
    if (n.progress === null || n.progress === undefined) return h("span", { class: "aipo-muted" }, "");
    const pct = Math.round(n.progress * 100);
    const w = Math.max(0, Math.min(100, pct));
    return h("div", { class: "aipo-mt-progress", role: "img",
      "aria-label": `Progress ${pct}% from baseline to target` },
      h("div", { class: "aipo-mt-bar" }, h("div", { class: `aipo-mt-fill aipo-st-${n.status}`,
        style: { width: `${w}%` } })),
      h("span", { class: "aipo-mt-pct" }, `${pct}%`));
  };

  /** @param {TreeNode} n */
  const statusPill = (n) => h("span", { class: `aipo-mt-status aipo-st-${n.status}`,
    title: n.rule }, statusLabel(n.status));

  /**
   * Whether a change is an improvement given the node's direction.
   * @param {TreeNode} n
   * @param {number} delta
   */
  const better = (n, delta) => (n.direction === "lower" ? delta < 0 : delta > 0);

  const thead = h("thead");
  const tbody = h("tbody");
  table.append(thead, tbody);
  /** Rows drawn before, reused while their node (same object: patches copy only what
   * changed) and their UI state are unchanged. @type {Map<string, {node: TreeNode,
   * key: string, el: HTMLElement}>} */
  const rowCache = new Map();
  let headKey = "";

  /**
   * What, besides the node itself, a row's look depends on.
   * @param {TreeNode} n
   */
  const rowKey = (n) => {
    const r = st.result;
    return [editable(), st.selected === n.id, !st.collapsed.has(n.id), st.whatifMode,
      st.editing && st.editing.startsWith(`${n.id}:`) ? st.editing : "",
      st.whatifMode ? (st.whatif[n.id] ?? "") : "",
      st.whatifMode && r ? `${r.before[n.id]}>${r.after[n.id]}` : ""].join("|");
  };

  const drawTable = () => {
    const v = view();
    const hk = String(st.whatifMode);
    if (hk !== headKey) {
      headKey = hk;
      thead.replaceChildren(h("tr", { role: "row" },
        ...["Metric", "Value", ...(st.whatifMode ? ["What-if"] : []), "Baseline", "Target",
          "Status", "Progress"].map((t) => h("th", { role: "columnheader", scope: "col" }, t))));
    }
    /** @type {HTMLElement[]} */
    const rows = [];
    /** @type {Set<string>} */
    const seen = new Set();
    /** @type {Set<string>} */
    const hidden = new Set();
    for (const n of v.nodes) {
      if (n.parent && (hidden.has(n.parent) || st.collapsed.has(n.parent))) {
        hidden.add(n.id);
        continue;
      }
      seen.add(n.id);
      const key = rowKey(n);
      const cached = rowCache.get(n.id);
      if (cached && cached.node === n && cached.key === key) {
        rows.push(cached.el);
        continue;
      }
      const el = drawRow(n);
      rowCache.set(n.id, { node: n, key, el });
      rows.push(el);
    }
    for (const id of [...rowCache.keys()]) if (!seen.has(id)) rowCache.delete(id);
    // Same rows in the same order: swap only the ones redrawn; otherwise rebuild the body.
    const current = /** @type {HTMLElement[]} */ ([...tbody.children]);
    const sameOrder = current.length === rows.length &&
      current.every((el, i) => el.dataset.id === rows[i].dataset.id);
    if (sameOrder) {
      for (let i = 0; i < rows.length; i++) {
        if (current[i] !== rows[i]) current[i].replaceWith(rows[i]);
      }
    } else {
      tbody.replaceChildren(...rows);
    }
  };

  /**
   * @param {TreeNode} n
   * @returns {HTMLElement}
   */
  const drawRow = (n) => {
    const v = view();
    {
      const open = !st.collapsed.has(n.id);
      const toggle = n.has_children
        ? h("button", { class: "aipo-mt-toggle", "aria-label": `${open ? "Collapse" : "Expand"} ${n.name}`,
          dataset: { focusKey: `toggle:${n.id}` },
          onclick: () => { if (open) st.collapsed.add(n.id); else st.collapsed.delete(n.id); draw(); },
        }, open ? "▾" : "▸")
        : h("span", { class: "aipo-mt-toggle-space" });
      const name = h("button", { class: `aipo-mt-name${n.id === v.root ? " aipo-mt-root" : ""}`,
        "aria-pressed": String(st.selected === n.id), dataset: { focusKey: `name:${n.id}` },
        title: n.description || n.name,
        onclick: () => { st.selected = st.selected === n.id ? null : n.id; draw(); } }, n.name);
      const tag = n.designation && n.designation !== "driver"
        ? h("span", { class: `aipo-mt-tag aipo-mt-tag-${n.designation}` },
          DESIGNATION[/** @type {keyof DESIGNATION} */ (n.designation)] || n.designation) : null;
      const valueCell = n.measured
        ? editableNumber(n, "current", n.value, "Current value")
        : h("span", { class: "aipo-mt-computed", title: `= ${n.formula}` }, `= ${fmt(n.value)}`);
      // The indentation is the wrapper's margin and the toggle a column of its own, so a name
      // that wraps keeps its depth on the second line.
      const cells = [
        h("td", { role: "gridcell", class: "aipo-mt-namecell" },
          h("div", { class: "aipo-mt-namewrap", style: { marginLeft: `${16 * Math.min(n.depth, 12)}px` } },
            toggle, h("span", { class: "aipo-mt-namebox" }, name, tag))),
        h("td", { role: "gridcell", class: "aipo-mt-num" }, valueCell,
          n.unit ? h("span", { class: "aipo-mt-unit" }, ` ${n.unit}`) : null),
      ];
      if (st.whatifMode) {
        let cell = h("span");
        if (n.measured) cell = whatifInput(n);
        else if (st.result) {
          const before = st.result.before[n.id];
          const after = st.result.after[n.id];
          const delta = after !== null && before !== null && after !== undefined &&
            before !== undefined ? after - before : null;
          // The change goes on a line of its own, so the what-if column stays narrow and
          // Progress stays in view in a 1,000-px column.
          cell = h("span", { class: "aipo-mt-whatif" }, fmt(after),
            delta !== null && Math.abs(delta) > 1e-12 * Math.max(1, Math.abs(before || 0))
              ? h("span", { class: `aipo-mt-delta ${better(n, delta) ? "aipo-mt-better" : "aipo-mt-worse"}` },
                `${delta > 0 ? "+" : "−"}${fmt(Math.abs(delta))} ${better(n, delta) ? "better" : "worse"}`)
              : null);
        }
        cells.push(h("td", { role: "gridcell", class: "aipo-mt-num" }, cell));
      }
      const isLimit = n.target === null && n.threshold !== null && n.threshold !== undefined;
      cells.push(
        h("td", { role: "gridcell", class: "aipo-mt-num" },
          n.measured || n.declared_baseline !== null
            ? editableNumber(n, "baseline", n.declared_baseline, "Baseline")
            : h("span", { class: "aipo-muted", title: "implied by the inputs' baselines" },
              fmt(n.baseline))),
        h("td", { role: "gridcell", class: "aipo-mt-num" },
          isLimit ? editableNumber(n, "threshold", n.threshold, "Threshold", "limit ")
            : editableNumber(n, "target", n.declared_target ?? n.target, "Target")),
        h("td", { role: "gridcell" }, statusPill(n)),
        h("td", { role: "gridcell" }, progress(n)));
      return h("tr", {
        role: "row", "aria-level": String(n.depth + 1),
        "aria-expanded": n.has_children ? String(open) : null,
        class: st.selected === n.id ? "aipo-mt-selected" : null,
        dataset: { id: n.id },
      }, ...cells);
    }
  };

  /** @type {any[]} */
  let asideKey = [];
  const drawAside = () => {
    const v = view();
    // Patches keep unchanged parts identical: skip the panels when nothing they show changed.
    const sel = st.selected ? v.nodes.find((x) => x.id === st.selected) : null;
    const key = [sel, v.sensitivity, v.warnings, st.result, st.whatifMode, v.root];
    if (key.length === asideKey.length && key.every((x, i) => x === asideKey[i])) return;
    asideKey = key;
    const byId = new Map(v.nodes.map((n) => [n.id, n]));
    const parts = [];
    const n = st.selected ? byId.get(st.selected) : null;
    if (n) {
      parts.push(h("div", { class: "aipo-panel", role: "group", "aria-label": `Details of ${n.name}` },
        h("h4", {}, n.name),
        h("dl", { class: "aipo-dl" },
          h("dt", {}, "Id"), h("dd", {}, n.id),
          h("dt", {}, "Role"), h("dd", {}, `${DESIGNATION[/** @type {keyof DESIGNATION} */ (n.designation)] || n.designation}, ${n.direction} is better`),
          h("dt", {}, "Status"), h("dd", {}, statusPill(n), " ", n.rule),
          n.formula ? h("dt", {}, "Formula") : null, n.formula ? h("dd", {}, h("code", {}, n.formula)) : null,
          n.formula ? h("dt", {}, "Inputs") : null,
          n.formula ? h("dd", {}, Object.entries(n.inputs).map(([k, x]) =>
            `${(byId.get(k) || { name: k }).name} = ${fmt(x)}`).join("; ")) : null,
          n.implied_target !== null && n.formula ? h("dt", {}, "Implied target") : null,
          n.implied_target !== null && n.formula ? h("dd", {}, fmt(n.implied_target, n.unit)) : null,
          n.guardrails.length ? h("dt", {}, "Guardrails") : null,
          n.guardrails.length ? h("dd", {}, n.guardrails.map((g) =>
            `${(byId.get(g) || { name: g }).name}${n.guardrails_breached.includes(g) ? " (breached)" : ""}`).join(", ")) : null,
          n.owner ? h("dt", {}, "Owner") : null, n.owner ? h("dd", {}, n.owner) : null,
          n.source ? h("dt", {}, "Source") : null, n.source ? h("dd", {}, n.source) : null,
          n.cadence ? h("dt", {}, "Cadence") : null, n.cadence ? h("dd", {}, n.cadence) : null),
        n.description ? h("p", { class: "aipo-muted" }, n.description) : null));
    }
    if (st.whatifMode && st.result && v.root) {
      const root = byId.get(v.root);
      parts.push(h("div", { class: "aipo-panel aipo-mt-whatif-panel", role: "status" },
        h("h4", {}, "What-if"),
        h("p", {}, `${root ? root.name : v.root}: ${fmt(st.result.root_before, root?.unit)} → `,
          h("strong", {}, fmt(st.result.root_after, root?.unit))),
        h("p", { class: "aipo-muted" }, "Not saved. Edit the current values to keep a change.")));
    }
    const sens = v.sensitivity || { items: [], error: "" };
    const root = v.root ? byId.get(v.root) : null;
    /** @param {string} id */
    const nameOf = (id) => (byId.get(id) || { name: id }).name;
    // A lever is an input somebody plans to move: one with a target or a limit. A price or a
    // volume without either (an agent's hourly cost) moves the root too, but is nobody's lever.
    /** @param {Lever} it */
    const isLever = (it) => {
      const node = byId.get(it.input);
      return !node || node.target !== null || (node.threshold !== null && node.threshold !== undefined);
    };
    const levers = sens.items.filter(isLever);
    const given = sens.items.filter((it) => !isLever(it));
    /**
     * "+1 % (+0.126 min) → cost per long ticket +0.0966 EUR": the lever in the units of the
     * input and of the root.
     * @param {Lever} it
     */
    const leverText = (it) => {
      if (it.elasticity === null || it.delta_for_plus_1pct === null) return it.note || "no effect computed";
      const node = byId.get(it.input);
      const step = Math.abs(it.value) * 0.01;
      const d = it.delta_for_plus_1pct;
      const rootName = root ? root.name.charAt(0).toLowerCase() + root.name.slice(1) : "the root";
      return `+1 % (+${fmt(step, node ? node.unit : "")}) → ${rootName} ${d > 0 ? "+" : d < 0 ? "−" : "±"}`
        + `${fmt(Math.abs(d), root ? root.unit : "")}`;
    };
    parts.push(h("div", { class: "aipo-panel aipo-mt-levers" },
      h("h4", {}, `Levers of ${root ? root.name : "the root"}`,
        sens.stale ? h("span", { class: "aipo-muted" }, " (updating…)") : null),
      sens.error ? h("p", { class: "aipo-muted" }, sens.error) : h("ol", {},
        ...levers.slice(0, 12).map((it) => h("li", { dataset: { lever: it.input } },
          h("span", { class: "aipo-mt-lever-name" }, nameOf(it.input)), " ",
          h("span", { class: "aipo-mt-lever-effect", title: it.elasticity === null ? ""
            : `elasticity ${fmt(it.elasticity)}: % change of the root per 1 % change of the input` },
          leverText(it)),
          it.aligned === false ? h("span", { class: "aipo-flag aipo-flag-warn",
            title: "Improving this input worsens the root: check its direction" }, "works against") : null))),
      given.length ? h("p", { class: "aipo-muted aipo-mt-note", dataset: { fig: "given" } },
        `Taken as given (no target or limit to move it to): ${given.map((it) => nameOf(it.input)).join("; ")}.`) : null,
      levers.length ? h("p", { class: "aipo-muted aipo-mt-note" },
        "Each line: the change of the root when the input rises by 1 % from its current value.") : null));
    if ((v.warnings || []).length) {
      parts.push(h("details", { class: "aipo-panel aipo-mt-warnings" },
        h("summary", {}, `${v.warnings.length} warning(s)`),
        h("ul", {}, ...v.warnings.map((w) => h("li", {}, w)))));
    }
    ui.aside.replaceChildren(...parts);
  };

  const drawToolbar = () => {
    const v = view();
    counts.replaceChildren(...Object.entries(v.counts || {}).filter(([, c]) => c).map(([s, c]) =>
      h("span", { class: `aipo-mt-status aipo-st-${s}` }, `${statusLabel(s)}: ${c}`)));
    whatifBtn.setAttribute("aria-pressed", String(st.whatifMode));
    resetBtn.hidden = !st.whatifMode || !Object.keys(st.whatif).length;
  };

  const draw = timed(ui.root, () => {
    // {} until Python's first computation succeeds; meanwhile the frame shows its error.
    if (!view().nodes) return;
    const active = /** @type {HTMLElement|null} */ (document.activeElement);
    const key = active && ui.root.contains(active) ? active.dataset.focusKey : undefined;
    drawToolbar();
    drawTable();
    drawAside();
    const want = st.editing ? `edit:${st.editing}` : key && key.startsWith("edit:")
      ? `cell:${key.slice(5)}` : key;
    // Focus moves only when the focused element was redrawn (focusing forces a layout).
    if (want && !(active && active.isConnected && active.dataset.focusKey === want)) {
      refocus(ui.root, want, !!st.editing);
    }
    st.rev += 1;
    ui.root.dataset.rev = String(st.rev);
  });

  const onView = () => {
    // Keep the what-if answer in step with the new values.
    if (st.whatifMode && Object.keys(st.whatif).length) askWhatIf();
    draw();
  };
  ui.onReply((r) => {
    if (r.seq === st.whatifSeq && "whatif" in r) { st.result = r.whatif; draw(); }
    else if (!r.ok) draw();
  });
  return live(model, ui, draw, { view: onView, refused: null });
}

export default /** @satisfies {Widget} */ ({ initialize, render });
