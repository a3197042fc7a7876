// AIActQuestionnaire: the relevant questions Python selected (compliance.relevant_questions)
// as a form, grouped by step of the decision list, and the classification beside it. Answers
// go back as "answer" operations; which questions show next is Python's decision.

/**
 * @typedef {{id: string, section: string, step: string, type: "bool"|"choice"|"multi",
 *   text: string, help: string, article: string, options: [string, string, string][],
 *   answer: any, open: string, assumed: any}} QuestionRow
 * @typedef {{id: string, article: string, text: string, holder: string, applies_from: string,
 *   applies_now: boolean, date_basis: string, why: string[]}} Obligation
 * @typedef {{id: string, section: string, step: string, text: string, article: string,
 *   reason: string, assumed: any}} OpenQuestion
 * @typedef {{tier: string, tier_label: string, provisional: boolean,
 *   would_be_tier: string|null, route: string[], annex_iii_points: string[],
 *   art5_points: string[], transparency: string[], gpai: string|null, roles: string[],
 *   articles: Record<string, any>[], obligations: Obligation[],
 *   tier_applies_from: string|null, tier_applies_now: boolean, as_of: string,
 *   open_questions: OpenQuestion[], assumptions: string[], legal_signoff_required: boolean,
 *   signoff_reasons: string[], signoff_missing: boolean}} ActResult
 *   the part of compliance.Classification.to_dict() that analysis.ai_act_view passes on
 * @typedef {{personal_data: boolean, art22_applies: boolean, dpia: string,
 *   dpia_triggers: string[], edpb_criteria: string[], dpia_decision: string}} GdprResult
 * @typedef {{questions: QuestionRow[], steps: Record<string, string>, role: string,
 *   roles: string[], result: ActResult, problems: string[], gdpr: GdprResult,
 *   signed_off_by: string, signed_off_on: string|null, rulebook: string}} ActView
 */

/**
 * @param {{model: Model, el: HTMLElement}} ctx
 * @returns {() => void}
 */
function render({ model, el }) {
  const ui = frame(model, el, { kind: "aiact" });
  /** @returns {ActView} */
  const view = () => model.get("view");
  const editable = () => !model.get("read_only");
  const st = { rev: 0, section: "ai_act", /** @type {Set<string>} */ help: new Set() };

  const roleHolder = h("span");
  const tabs = ["ai_act", "gdpr"].map((s) => h("button", { class: "aipo-btn aipo-toggle",
    dataset: { section: s }, onclick: () => { st.section = s; draw(); } },
  s === "ai_act" ? "AI Act" : "GDPR"));
  ui.toolbar.append(roleHolder, h("span", { class: "aipo-toggle-group", role: "group",
    "aria-label": "Questions shown" }, ...tabs));
  const form = h("form", { class: "aipo-ai-form", onsubmit: (/** @type {Event} */ e) => e.preventDefault() });
  ui.body.append(form);

  /**
   * @param {QuestionRow} q
   * @param {any} value
   */
  const answer = (q, value) => sendOp(model, "answer", { question: q.id, value });

  /** @param {QuestionRow} q */
  const control = (q) => {
    const name = `q-${q.id}`;
    const ro = !editable();
    if (q.type === "bool" || q.type === "choice") {
      const opts = q.type === "bool"
        ? [[true, "Yes"], [false, "No"], ["unsure", "Unsure"]]
        : [...q.options.map(([v, l]) => [v, l]), ["unsure", "Unsure"]];
      return h("div", { class: "aipo-ai-options", role: "radiogroup", "aria-label": q.text },
        ...opts.map(([v, label]) => h("label", { class: "aipo-ai-option" },
          h("input", { type: "radio", name, disabled: ro, checked: q.answer === v,
            dataset: { focusKey: `${q.id}:${String(v)}` },
            onchange: () => answer(q, v) }), ` ${label}`)));
    }
    const chosen = Array.isArray(q.answer) ? q.answer : [];
    return h("div", { class: "aipo-ai-options", role: "group", "aria-label": q.text },
      ...q.options.map(([v, label, art]) => h("label", { class: "aipo-ai-option", title: art || null },
        h("input", { type: "checkbox", disabled: ro, checked: chosen.includes(v),
          dataset: { focusKey: `${q.id}:${v}` },
          onchange: (/** @type {Event} */ e) => {
            const on = /** @type {HTMLInputElement} */ (e.target).checked;
            let next = on ? [...chosen, v] : chosen.filter((x) => x !== v);
            // "none" excludes the others, and the others exclude "none".
            if (on && v === "none") next = ["none"];
            else if (on) next = next.filter((x) => x !== "none");
            answer(q, next.length ? next : null);
          } }), ` ${label}`)),
      h("label", { class: "aipo-ai-option" }, h("input", { type: "checkbox", disabled: ro,
        checked: q.answer === "unsure", onchange: (/** @type {Event} */ e) =>
          answer(q, /** @type {HTMLInputElement} */ (e.target).checked ? "unsure" : null) }),
      " Unsure"));
  };

  const drawForm = () => {
    const v = view();
    const qs = v.questions.filter((q) => q.section === st.section);
    const parts = [];
    let step = "";
    for (const q of qs) {
      if (q.step !== step) {
        step = q.step;
        parts.push(h("h4", { class: "aipo-ai-step" }, `${q.step}: ${v.steps[q.step] || ""}`));
      }
      const showHelp = st.help.has(q.id);
      parts.push(h("fieldset", { class: `aipo-ai-q${q.open ? " aipo-ai-open" : ""}`,
        dataset: { question: q.id } },
      h("legend", {}, q.text, " ", h("span", { class: "aipo-muted aipo-ai-art" }, q.article)),
      control(q),
      h("button", { type: "button", class: "aipo-btn-quiet aipo-ai-helpbtn",
        "aria-expanded": String(showHelp), onclick: () => {
          if (showHelp) st.help.delete(q.id); else st.help.add(q.id);
          draw();
        } }, showHelp ? "Hide help" : "Help"),
      showHelp ? h("p", { class: "aipo-ai-help" }, q.help, " ", h("em", {}, q.article)) : null,
      q.open ? h("p", { class: "aipo-ai-assumed" }, `${q.open}: assumed `,
        h("strong", {}, JSON.stringify(q.assumed)), " (the stricter branch)") : null));
    }
    form.replaceChildren(...parts);
  };

  const drawResult = () => {
    const v = view();
    const r = v.result;
    /** @type {HTMLElement[]} */
    const parts = [h("div", { class: `aipo-panel aipo-ai-result aipo-ai-tier-${r.tier}` },
      h("div", { class: "aipo-ai-tier", role: "status" }, r.tier_label,
        r.provisional ? h("span", { class: "aipo-ai-prov" }, " provisional") : null),
      r.would_be_tier ? h("p", { class: "aipo-muted" }, `without the Art 5 finding: ${r.would_be_tier}`) : null,
      h("dl", { class: "aipo-dl" },
        r.route.length ? h("dt", {}, "Route") : null, r.route.length ? h("dd", {}, r.route.join(", ")) : null,
        r.transparency.length ? h("dt", {}, "Art 50") : null,
        r.transparency.length ? h("dd", {}, r.transparency.join(", ")) : null,
        h("dt", {}, "Roles"), h("dd", {}, r.roles.join(", ")),
        r.tier_applies_from ? h("dt", {}, "Applies from") : null,
        r.tier_applies_from ? h("dd", {}, `${r.tier_applies_from}${r.tier_applies_now ? " (now)" : ""}`) : null,
        h("dt", {}, "GDPR DPIA"), h("dd", {}, v.gdpr.dpia.replace(/_/g, " "))),
      h("p", { class: r.signoff_missing ? "aipo-flag-warn" : "aipo-muted" },
        r.legal_signoff_required ? (r.signoff_missing ? "Legal sign-off required, missing"
          : `Signed off by ${v.signed_off_by} on ${v.signed_off_on}`) : "No legal sign-off required"),
      r.legal_signoff_required && editable() ? signoff() : null)];
    parts.push(h("details", { class: "aipo-panel", open: true },
      h("summary", {}, `Our obligations (${r.obligations.length})`),
      h("ul", { class: "aipo-ai-list" }, ...r.obligations.map((o) => h("li", {},
        h("strong", {}, o.article), ` ${o.text} `,
        h("span", { class: o.applies_now ? "aipo-ai-now" : "aipo-muted" },
          o.applies_now ? "applies now" : `from ${o.applies_from}`))))));
    if (r.open_questions.length) {
      parts.push(h("details", { class: "aipo-panel" },
        h("summary", {}, `Open questions (${r.open_questions.length})`),
        h("ul", { class: "aipo-ai-list" }, ...r.open_questions.map((q) =>
          h("li", {}, `${q.step} ${q.text}`)))));
    }
    if (v.problems.length) {
      parts.push(h("details", { class: "aipo-panel", open: true }, h("summary", {}, `Problems (${v.problems.length})`),
        h("ul", { class: "aipo-ai-list" }, ...v.problems.map((p) => h("li", {}, p)))));
    }
    parts.push(h("p", { class: "aipo-muted aipo-ai-small" }, `Rulebook: ${v.rulebook}. A decision aid, not legal advice.`));
    ui.aside.replaceChildren(...parts);
  };

  const signoff = () => {
    const input = /** @type {HTMLInputElement} */ (h("input", { class: "aipo-input aipo-ai-by",
      placeholder: "Name of the lawyer", "aria-label": "Signed off by", value: view().signed_off_by || "" }));
    return h("div", { class: "aipo-field" }, input, h("button", { class: "aipo-btn",
      onclick: () => sendOp(model, "signoff", { by: input.value }) }, "Record sign-off"));
  };

  const draw = timed(ui.root, () => {
    const v = view();
    if (!v || !v.result) return;
    const active = /** @type {HTMLElement|null} */ (document.activeElement);
    const key = active && ui.root.contains(active) ? active.dataset.focusKey : undefined;
    roleHolder.replaceChildren(editable()
      ? selectBox("Our role", v.roles.map((r) => /** @type {[string, string]} */ ([r, r.replace(/_/g, " ")])),
        v.role, (r) => sendOp(model, "role", { value: r }))
      : h("span", { class: "aipo-muted" }, `Our role: ${v.role}`));
    for (const t of tabs) t.setAttribute("aria-pressed", String(t.dataset.section === st.section));
    drawForm();
    drawResult();
    if (key) refocus(ui.root, key);
    st.rev += 1;
    ui.root.dataset.rev = String(st.rev);
  });

  return live(model, ui, draw);
}

export default /** @satisfies {Widget} */ ({ initialize, render });
