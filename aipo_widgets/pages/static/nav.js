// The page's own links (a product of the portfolio, the way back) stay in the same tab:
// JupyterLab opens every link of an output in a new tab. Ctrl- or middle-click still opens one.
// Inlined into the page by aipo_widgets/pages/markup.py (script("nav.js")), once per output
// that needs it, so the listener is added only once per document.
{
  const flags = /** @type {Window & {aipoNav?: boolean}} */ (window);
  if (!flags.aipoNav) {
    flags.aipoNav = true;
    document.addEventListener("click", (e) => {
      if (!(e.target instanceof Element)) return;
      const a = e.target.closest("a.aipo-nav");
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault(); e.stopPropagation();
      window.location.assign(a.getAttribute("href") ?? "");
    }, true);
  }
}
