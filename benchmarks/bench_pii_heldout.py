"""Benchmark: the PII scanner's precision and recall on a held-out corpus written without it.

A held-out corpus (``benchmarks/pii_corpus4``, ...) is written by someone who has not read the
scanner's rules, and is never tuned on: this script prints counts only (true positives, false
positives and misses by kind, false positives per 1,000 texts, recall), never the texts
themselves, so that reading its output cannot turn the corpus into training data. A finding
is a true positive when it overlaps a labelled span of the same kind (as in ``bench_pii.py``).

Targets (issue 19): at most 1 false positive per 1,000 texts, recall at least 99.5 %.

Run::

    .venv/bin/python benchmarks/bench_pii_heldout.py benchmarks/pii_corpus4/corpus.jsonl.gz
    .venv/bin/python benchmarks/bench_pii_heldout.py CORPUS --regions DE,GB,US,AT,CH,FR,NL
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _machine import describe  # noqa: E402

from aipo_widgets.analysis.pii import scan_text  # noqa: E402

KINDS = {"email": "EMAIL", "phone": "PHONE", "iban": "IBAN", "card": "CARD", "ip": "IP"}


def read(path: Path) -> list[dict]:
    """Return the corpus's records (``text`` and ``spans`` with ``start``, ``end``, ``kind``)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def score(records: list[dict], regions: tuple[str, ...]) -> tuple[Counter, Counter, Counter,
                                                                    int, float]:
    """Scan every text; return true positives, false positives and misses by kind."""
    tp: Counter = Counter()
    fp: Counter = Counter()
    miss: Counter = Counter()
    texts_with_fp = 0
    t0 = time.perf_counter()
    for rec in records:
        found = scan_text(rec["text"], regions=regions)
        spans = [(s["start"], s["end"], KINDS[s["kind"]]) for s in rec["spans"]]
        hit = [False] * len(spans)
        any_fp = False
        for f in found:
            matched = False
            for i, (a, b, kind) in enumerate(spans):
                if kind == f.kind and f.start < b and a < f.end:
                    hit[i] = matched = True
            if matched:
                tp[f.kind] += 1
            else:
                fp[f.kind] += 1
                any_fp = True
        texts_with_fp += any_fp
        for (_a, _b, kind), h in zip(spans, hit, strict=True):
            if not h:
                miss[kind] += 1
    return tp, fp, miss, texts_with_fp, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path, help="a held-out corpus (.jsonl.gz)")
    ap.add_argument("--regions", default="DE,GB,US",
                    help="national phone formats recognised (default: the kit's DE,GB,US)")
    args = ap.parse_args()
    print(describe())
    records = read(args.corpus)
    regions = tuple(args.regions.split(","))
    tp, fp, miss, texts_with_fp, seconds = score(records, regions)
    n = len(records)
    real = sum(len(r["spans"]) for r in records)
    found_real = real - sum(miss.values())
    print(f"corpus {args.corpus} ({n:,} texts, {real:,} labelled values), regions "
          f"{','.join(regions)}, {seconds:.1f} s")
    print(f"{'kind':6} {'true pos':>9} {'false pos':>10} {'misses':>7}")
    for kind in KINDS.values():
        print(f"{kind:6} {tp[kind]:9,} {fp[kind]:10,} {miss[kind]:7,}")
    per_1000 = 1000 * sum(fp.values()) / n
    recall = found_real / real if real else 1.0
    print(f"false positives: {sum(fp.values()):,} in {texts_with_fp:,} texts = "
          f"{per_1000:.2f} per 1,000 texts (target <= 1)")
    print(f"recall: {found_real:,} of {real:,} = {100 * recall:.2f} % (target >= 99.5 %)")
    met = per_1000 <= 1 and recall >= 0.995
    print("targets", "MET" if met else "NOT MET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
