"""Cost-optimal threshold on 10,000,000 scores: aipo_widgets.analysis.thresholds vs its floor and a
peer.

Run:  .venv/bin/python benchmarks/bench_thresholds.py            (full size)
      .venv/bin/python benchmarks/bench_thresholds.py --quick    (1,000,000 scores)

Targets:
* within 1.5x of one ``np.argsort`` of the scores (the floor: any exact method sorts once);
* at least 10x faster than looping ``sklearn.metrics.confusion_matrix`` over 100 thresholds
  (the peer, which is also not exact: it only sees 100 of the distinct thresholds).  The loop
  runs over ``--peer-thresholds`` (default 10) evenly spaced thresholds and its time is scaled
  linearly to 100 (each call costs the same); the output says so.
* peak memory (tracemalloc) under 3x the input (scores float64 + labels).

Two score distributions are timed: scores rounded to 4 decimals (many ties, as most models'
probabilities are) and continuous scores (every score distinct, the worst case), each at a 2 %
and a 50 % positive rate.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from _machine import describe


def best_of(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_mb(fn):
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--peer-thresholds", type=int, default=10)
    args = ap.parse_args()
    print(describe())

    from sklearn.metrics import confusion_matrix

    from aipo_widgets.analysis.thresholds import optimal_threshold

    n = 1_000_000 if args.quick else 10_000_000
    rng = np.random.default_rng(0)
    costs = dict(c_fn=20.0, c_fp=1.0, review_cost=0.5)
    print(f"== cost-optimal threshold, {n:,} scores, int64 labels ==")
    print(f"{'scores':<22}{'argsort':>9}{'aipo':>9}{'ratio':>8}{'peak/input':>12}")
    rows = []
    for prevalence in (0.02, 0.5):
        y = (rng.random(n) < prevalence).astype(np.int64)
        raw = np.clip(rng.normal(0.3 + 0.4 * y, 0.2), 0, 1)
        for label, s in (("4 decimals", raw.round(4)), ("continuous", raw)):
            t_floor, _ = best_of(lambda s=s: np.argsort(s), 3)
            t_ours, r = best_of(lambda s=s, y=y: optimal_threshold(y, s, **costs), 3)
            mem = peak_mb(lambda s=s, y=y: optimal_threshold(y, s, **costs))
            inp = (s.nbytes + y.nbytes) / 1e6
            name = f"{label}, {prevalence:.0%} pos"
            print(f"{name:<22}{t_floor:9.3f}{t_ours:9.3f}{t_ours / t_floor:8.2f}"
                  f"{mem / inp:11.2f}x")
            rows.append((name, t_floor, t_ours, mem / inp, y, s, r))
    worst = max(r[2] / r[1] for r in rows)
    print(f"worst ratio to one np.argsort: {worst:.2f}   (target <= 1.5)")
    print(f"worst peak memory: {max(r[3] for r in rows):.2f}x the input   (target < 3x)")

    # the peer: confusion_matrix over a grid of thresholds, on the 2 %, continuous case
    name, _, t_ours, _, y, s, r = rows[1]
    k = args.peer_thresholds
    grid = np.quantile(s, np.linspace(0.01, 0.99, k))

    def peer():
        best = None
        for t in grid:
            _, fp, fn, tp = confusion_matrix(y, s >= t).ravel()
            c = 20.0 * fn + 1.0 * fp + 0.5 * (tp + fp)
            if best is None or c < best[0]:
                best = (c, t)
        return best

    t_peer, best = best_of(peer, 1)
    t_peer100 = t_peer * 100 / k
    print(f"\n== peer: sklearn confusion_matrix looped over thresholds ({name}) ==")
    print(f"confusion_matrix x {k:<4d}     {t_peer:8.2f} s   measured")
    print(f"confusion_matrix x 100      {t_peer100:8.2f} s   scaled linearly from {k}")
    print(f"aipo (all distinct scores)  {t_ours:8.3f} s")
    print(f"speed-up                    {t_peer100 / t_ours:8.0f}x   (target >= 10x)")
    print(f"least cost: aipo {r.total_cost:,.1f} (exact optimum) vs grid of {k}: {best[0]:,.1f}")


if __name__ == "__main__":
    main()
