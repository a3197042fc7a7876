"""Stakeholder pages in Voila and Chromium: time to a complete page, and memory over visits.

Every server is started from the plan ``aipo serve`` makes (standalone Voila, pre-started
kernel pool of 2, the same flags), including the floor: a bare Voila page holding one
ipywidgets slider. Measured in one run, with Playwright driving Debian's Chromium:

- **status page** (support-summaries with its last run): from navigation start to the last
  section on screen (every section title, both widgets drawn with their content, the last
  section's table), measured in the page with ``performance.now()``; median over visits that
  each get a pre-started kernel (the pool is refilled between visits). Target: <= 2x the bare
  page, visited the same way, interleaved with it.
- **portfolio of 100 workspaces** (copies of the two examples under different names, half
  with a copy of the last run's results): navigation to all 100 rows on screen. Target: <= 3x
  the bare page. Also shown: how long the pool takes to prepare the page from cold (no
  cached rows), and one visit that gets no pre-started kernel and no cache (the worst case).
- **cold first paint**: from starting the server to the status page's decision card (or the
  portfolio's 100th row) on screen, today's live Voila page (``--live-only``) against the saved
  page ``/`` answers with (:mod:`aipo_widgets.pipeline.paint`), alternated in one run.
  Targets: under 3 s for one product, under 5 s for a portfolio of 100.
- **memory** of ``aipo serve`` (Voila and every kernel below it, RSS from /proc) over 20
  visits to the status page with idle kernels culled after 5 s: it must stay flat.

Run with ``python benchmarks/bench_pages.py`` (needs /usr/bin/chromium and the two examples,
which are made and run once and cached in ``benchmarks/.cache/``); ``--quick`` does fewer
visits. The figures go in ``benchmarks/README.md``, section "Stakeholder pages".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "voila"))
sys.path.insert(0, str(ROOT))

import served  # noqa: E402
from _machine import describe  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache" / "pages-examples"
TARGET_STATUS, TARGET_PORTFOLIO = 2.0, 3.0

BARE_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "slider", "metadata": {},
               "outputs": [], "source": [
                   "import os\n", "import ipywidgets as w\n",
                   "os.write(2, b'[aipo] page ready: bare\\n')\n",
                   "w.IntSlider(description='bare')"]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}

# Marks recorded in the page (ms since navigation start) the first time each holds.
MARKS_JS = """
(conds) => {
  window.__marks = {};
  const visible = (el) => !!el && el.getClientRects().length > 0;
  const tests = {
    slider: () => visible(document.querySelector('.widget-slider .slider-container, '
                                                 + '.widget-slider')),
    header: () => visible(document.querySelector('.aipo-page h1')),
    widgets: () => visible(document.querySelector('.aipo-tree .aipo-mt-table tbody tr'))
                   && visible(document.querySelector('.aipo-risk .aipo-chip')),
    last: () => {
      const h = [...document.querySelectorAll('.aipo-page h2')];
      const last = h[h.length - 1];
      return h.length === %(n)d && visible(last) && last.textContent === %(last)s
             && visible(last.nextElementSibling);
    },
    rows: () => document.querySelectorAll('#aipo-portfolio tbody tr').length === %(rows)d
                && visible(document.querySelector('#aipo-portfolio tbody tr:last-child')),
  };
  const poll = () => {
    for (const c of conds) {
      if (window.__marks[c] === undefined && tests[c]()) window.__marks[c] = performance.now();
    }
    if (conds.some(c => window.__marks[c] === undefined)) requestAnimationFrame(poll);
  };
  poll();
}
"""


def marks_script(n_rows: int) -> str:
    """Return the in-page script that records the marks (an init script of the context)."""
    body = MARKS_JS % {"n": len(served.SECTIONS), "last": json.dumps(served.SECTIONS[-1]),
                       "rows": n_rows}
    return f"window.__aipoMarks = {body};"


def visit(browser, server: served.PageServer, conds: list[str], n_rows: int = 0,
          query: str = "", timeout_ms: int = 120_000) -> dict[str, float]:
    """Open the page in a fresh context; return the marks in seconds since navigation start."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    start_marks = f"window.__aipoMarks({json.dumps(conds)})"
    context.add_init_script(marks_script(n_rows) + f"""
        document.addEventListener('DOMContentLoaded', () => {start_marks});
    """)
    page = context.new_page()
    try:
        page.goto(server.url(query), wait_until="commit", timeout=timeout_ms)
        page.wait_for_function(
            f"window.__marks && {json.dumps(conds)}.every(c => window.__marks[c] !== undefined)",
            timeout=timeout_ms, polling=100)
        marks = page.evaluate("window.__marks")
    finally:
        context.close()
    return {k: v / 1000 for k, v in marks.items()}


def start(path: Path, base: Path, **kwargs) -> served.PageServer:
    """Start a server for ``path`` from ``aipo serve``'s plan and wait for its pool."""
    server = served.PageServer(path, base, **kwargs)
    server.start()
    return server


def bare_server(base: Path, ws: Path) -> served.PageServer:
    """A server for the bare slider page, with the same plan as the status page."""
    notebook = base / "bare.ipynb"
    base.mkdir(parents=True, exist_ok=True)
    notebook.write_text(json.dumps(BARE_NOTEBOOK), encoding="utf-8")
    server = served.PageServer(ws, base)
    server.plan.argv = [str(notebook) if a.endswith("status.ipynb") else a
                        for a in server.plan.argv]
    assert str(notebook) in server.plan.argv
    server.start()
    return server


def examples(env: dict) -> Path:
    """Both examples with a finished run (made once, cached)."""
    return served.run_examples(CACHE, env)


def make_portfolio(src: Path, root: Path, n: int = 100) -> Path:
    """``n`` workspaces named product-001..: copies of the two examples' aipo.yaml, half of
    them with a copy of the last run's results (no data, no executed notebooks)."""
    from ruamel.yaml import YAML

    y = YAML()
    docs = {name: (src / name / "aipo.yaml").read_text(encoding="utf-8")
            for name in served.EXAMPLES}
    for i in range(n):
        name = served.EXAMPLES[i % 2]
        folder = root / f"product-{i + 1:03d}"
        folder.mkdir(parents=True)
        doc = y.load(docs[name])
        doc["product"]["name"] = f"{doc['product']['name']} #{i + 1}"
        with (folder / "aipo.yaml").open("w", encoding="utf-8") as fh:
            y.dump(doc, fh)
        if i % 4 < 2:
            latest = (src / name / "reports" / "latest").resolve()
            run = folder / "reports" / latest.name
            run.mkdir(parents=True)
            shutil.copy2(latest / "results.json", run / "results.json")
            (folder / "reports" / "latest").symlink_to(latest.name)
    return root


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def bench_times(browser, tmp: Path, ws: Path, done: Path, n_visits: int,
                servers: list) -> None:
    """Status page and portfolio against the bare page, in interleaved visits."""
    # Both pages served from the same plan, visited in turn.
    bare = bare_server(tmp / "bare", ws)
    status = start(ws, tmp / "status")
    servers += [bare, status]
    visit(browser, bare, ["slider"])  # warm-up: browser cache, first kernel use
    visit(browser, status, ["header", "widgets", "last"])
    t_bare, t_status, t_header, t_widgets = [], [], [], []
    for _ in range(n_visits):
        bare.wait_ready()
        t_bare.append(visit(browser, bare, ["slider"])["slider"])
        status.wait_ready()
        m = visit(browser, status, ["header", "widgets", "last"])
        t_status.append(max(m.values()))
        t_header.append(m["header"])
        t_widgets.append(m["widgets"])
    floor = median(t_bare)
    ratio = median(t_status) / floor
    print(f"\nbare Voila page, one slider:   median {floor:.2f} s   "
          f"(visits: {', '.join(f'{t:.2f}' for t in t_bare)})")
    print(f"status page, complete:         median {median(t_status):.2f} s   "
          f"(visits: {', '.join(f'{t:.2f}' for t in t_status)})")
    print(f"  first section (header) {median(t_header):.2f} s, "
          f"widgets drawn {median(t_widgets):.2f} s")
    print(f"  ratio to the bare page: {ratio:.2f}x   (target <= {TARGET_STATUS}x)")
    for s in (bare, status):
        s.stop()
    servers.clear()
    # When visitors come faster than the pool refills: a kernel started for the visit.
    nopool = served.PageServer(ws, tmp / "nopool", pool_size=0)
    nopool.start(wait_pool=False)
    servers.append(nopool)
    t_nopool = [max(visit(browser, nopool, ["header", "widgets", "last"]).values())
                for _ in range(3)]
    print(f"  without a pre-started kernel (pool used up): median "
          f"{median(t_nopool):.2f} s (visits: "
          f"{', '.join(f'{t:.2f}' for t in t_nopool)})")
    nopool.stop()
    servers.clear()

    # -- portfolio of 100 workspaces -------------------------------------------------
    root = make_portfolio(done, tmp / "portfolio")
    t = time.perf_counter()
    port = start(root, tmp / "port", pool_size=2)
    servers.append(port)
    ready = time.perf_counter() - t
    bare = bare_server(tmp / "bare2", ws)
    servers.append(bare)
    visit(browser, port, ["rows"], n_rows=100)  # warm-up
    t_port, t_bare2 = [], []
    for _ in range(n_visits):
        bare.wait_ready()
        t_bare2.append(visit(browser, bare, ["slider"])["slider"])
        port.wait_ready()
        t_port.append(visit(browser, port, ["rows"], n_rows=100)["rows"])
    floor2 = median(t_bare2)
    ratio2 = median(t_port) / floor2
    print(f"\nportfolio, 100 workspaces:     median {median(t_port):.2f} s   "
          f"(visits: {', '.join(f'{t:.2f}' for t in t_port)})")
    print(f"  bare page in the same rounds: median {floor2:.2f} s")
    print(f"  ratio to the bare page: {ratio2:.2f}x   (target <= {TARGET_PORTFOLIO}x)")
    print(f"  server start to a prepared pool, rows read cold: {ready:.1f} s")
    for s in (bare, port):
        s.stop()
    servers.clear()
    # The worst case: no pre-started kernel and no cached rows.
    cold = served.PageServer(root, tmp / "cold", pool_size=0)
    cold.start(wait_pool=False)
    servers.append(cold)
    t_cold = visit(browser, cold, ["rows"], n_rows=100, timeout_ms=600_000)["rows"]
    print(f"  a visit without a pre-started kernel or cached rows: {t_cold:.1f} s")
    cold.stop()
    servers.clear()



FIRST_PAINT = {"status": "#aipo-decision",
               "portfolio": "#aipo-portfolio tbody tr:nth-child(100)"}
TARGET_PAINT = {"status": 3.0, "portfolio": 5.0}


def cold_paint(browser, path: Path, base: Path, what: str, servers: list,
               saved_page: bool) -> float:
    """Seconds from starting ``aipo serve``'s server to the card (or 100th row) on screen.

    The browser is already open (the stakeholder's); the server is new (nothing prepared in
    its kernels); the page is opened as soon as the server answers.
    """
    t0 = time.perf_counter()
    server = served.PageServer(path, base, saved_page=saved_page)
    server.start(wait_pool=False)
    servers.append(server)
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    try:
        page = context.new_page()
        page.goto(server.url(), wait_until="commit", timeout=600_000)
        page.wait_for_selector(FIRST_PAINT[what], state="visible", timeout=600_000)
        took = time.perf_counter() - t0
    finally:
        context.close()
        server.stop()
        servers.remove(server)
    return took


def bench_paint(browser, tmp: Path, ws: Path, done: Path, rounds: int,
                servers: list) -> None:
    """Cold first paint: today's live page against the saved page, in the same run."""
    from aipo_widgets.pipeline.report import refresh_page

    root = make_portfolio(done, tmp / "paint-portfolio")
    for what, path in (("status", ws), ("portfolio", root)):
        t = time.perf_counter()
        refresh_page(path)  # what aipo serve does in the background after a change
        rendered = time.perf_counter() - t
        before, after = [], []
        for i in range(rounds):
            before.append(cold_paint(browser, path, tmp / f"live-{what}-{i}", what, servers,
                                     saved_page=False))
            after.append(cold_paint(browser, path, tmp / f"saved-{what}-{i}", what, servers,
                                    saved_page=True))
        b, a = median(before), median(after)
        shown = "the card" if what == "status" else "the 100th row"
        print(f"\ncold first paint, {what}{' of 100' if what == 'portfolio' else ''} "
              f"(server start to {shown} on screen):")
        print(f"  live Voila page (today):  median {b:.1f} s "
              f"(runs: {', '.join(f'{x:.1f}' for x in before)})")
        print(f"  saved page (/):           median {a:.2f} s "
              f"(runs: {', '.join(f'{x:.2f}' for x in after)})   "
              f"target < {TARGET_PAINT[what]:.0f} s")
        print(f"  ratio live / saved: {b / a:.1f}x; rendering the saved page took "
              f"{rendered:.1f} s (in the background of aipo serve)")


def bench_memory(browser, tmp: Path, ws: Path, n_visits: int, servers: list) -> None:
    """Memory of the server over visits, idle kernels culled after 5 s."""
    # Kernels culled after 5 s idle, so that 20 visits take the culler several rounds.
    mem = start(ws, tmp / "mem", cull_idle_seconds=5, cull_interval_seconds=2)
    servers.append(mem)
    # A stakeholder who keeps the page open: its kernel must survive the culling.
    stay = browser.new_context()
    stay_page = stay.new_page()
    stay_page.goto(mem.url())
    served.wait_for_sections(stay_page)
    series, own = [], []
    for i in range(n_visits):
        visit(browser, mem, ["header", "widgets", "last"])
        series.append((i + 1, served.rss_bytes(mem.pids()) / 2**20,
                       len(mem.pids()) - 1))
        own.append(served.rss_bytes([mem.proc.pid]) / 2**20)
    time.sleep(12)  # idle longer than the cull time plus one interval
    settled = (served.rss_bytes(mem.pids()) / 2**20, len(mem.pids()) - 1)
    alive = stay_page.evaluate("""async () => {
        const wm = await window.jupyterapp.widgetManagerPromise.promise;
        const k = wm._kernel || wm.kernel;
        return await Promise.race([k.requestKernelInfo().then(() => true),
                                   new Promise(r => setTimeout(() => r(false), 5000))]);
    }""")
    stay.close()
    print(f"\nmemory of aipo serve (Voila + kernels), RSS after visit n "
          f"(of {n_visits}):")
    print("  " + ", ".join(f"{n}: {mb:.0f} MB/{k}k" for n, mb, k in series))
    print(f"  12 s after the last visit: {settled[0]:.0f} MB, {settled[1]} kernels "
          f"(pool of 2 + the page left open)")
    print(f"  the page left open still has its kernel: {'yes' if alive else 'NO'}")
    after5 = series[4][1]
    peak = max(mb for _, mb, _ in series[4:])
    print(f"  visits 5-{n_visits}: {after5:.0f} MB -> peak {peak:.0f} MB; "
          f"settled {settled[0]:.0f} MB")
    print(f"  the Voila process alone: {own[0]:.0f} MB after visit 1, "
          f"{own[4]:.0f} MB after 5, {own[len(own) // 2]:.0f} MB after "
          f"{len(own) // 2 + 1}, {own[-1]:.0f} MB after {len(own)}")
    mem.stop()
    servers.clear()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer visits (a smoke run)")
    ap.add_argument("--only", choices=["times", "memory", "paint"],
                    help="run one part only")
    ap.add_argument("--paint-rounds", type=int, default=2,
                    help="cold starts per page and way of serving (first paint)")
    ap.add_argument("--visits", type=int, default=7, help="timed visits per page")
    ap.add_argument("--mem-visits", type=int, default=20, help="visits of the memory run")
    args = ap.parse_args()
    print(describe())
    n_visits = 3 if args.quick else args.visits
    missing = served.browser_missing()
    if missing:
        print(f"skipped: {missing}")
        return 0
    from playwright.sync_api import sync_playwright

    print(f"load average (1, 5, 15 min) at start: {os.getloadavg()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = served.jupyter_env(tmp / "home")
    t0 = time.perf_counter()
    done = examples(env)
    print(f"examples with a run: {done} ({time.perf_counter() - t0:.0f} s)")
    ws = served.copy_workspace(done / "support-summaries", tmp / "ws" / "support-summaries")
    servers: list[served.PageServer] = []
    try:
        with sync_playwright() as p:
            browser = served.launch_browser(p)

            if args.only in (None, "paint"):
                bench_paint(browser, tmp, ws, done, args.paint_rounds, servers)
            if args.only in (None, "times"):
                bench_times(browser, tmp, ws, done, n_visits, servers)
            if args.only in (None, "memory"):
                bench_memory(browser, tmp, ws, args.mem_visits, servers)
            browser.close()
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nload average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
