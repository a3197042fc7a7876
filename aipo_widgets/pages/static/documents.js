// A link of the documents table opens its document (a collapsed <details> block) and scrolls
// to it; a plain fragment link would not open the block, and JupyterLab sends links to a new
// tab. Inlined by aipo_widgets/pages/documents.py (script("documents.js")).
{
  const flags = /** @type {Window & {aipoDocs?: boolean}} */ (window);
  if (!flags.aipoDocs) {
    flags.aipoDocs = true;
    document.addEventListener("click", (e) => {
      if (!(e.target instanceof Element)) return;
      const a = e.target.closest("a.aipo-doc-link");
      if (!a) return;
      const doc = document.getElementById((a.getAttribute("href") ?? "").slice(1));
      if (!(doc instanceof HTMLDetailsElement)) return;
      e.preventDefault(); e.stopPropagation();
      doc.open = true;
      doc.scrollIntoView({ block: "start" });
    }, true);
  }
}
