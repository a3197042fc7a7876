// Sorting the portfolio table (#aipo-portfolio) by a click on a header, or Enter on it; a
// second click sorts the other way. Numbers (thousands separators dropped) sort as numbers,
// the rest as text. A few lines of plain JavaScript: no library, nothing fetched.
// Inlined right after the table by aipo_widgets/pages/portfolio.py (script("sort.js")).
(function () {
  const t = /** @type {HTMLTableElement | null} */ (document.getElementById("aipo-portfolio"));
  if (!t) return;
  const body = t.tBodies[0];
  t.querySelectorAll("th").forEach((th, i) => {
    th.style.cursor = "pointer"; th.tabIndex = 0; th.title = "sort";
    const sort = () => {
      const rows = Array.from(body.rows);
      const up = th.dataset.dir !== "up"; th.dataset.dir = up ? "up" : "down";
      rows.sort((a, b) => {
        const x = a.cells[i].innerText, y = b.cells[i].innerText;
        const nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
        const c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return up ? c : -c;
      });
      rows.forEach(r => body.appendChild(r));
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", e => { if (e.key === "Enter") sort(); });
  });
})();
