"""Agreement between reviewers: Cohen's kappa, Krippendorff's alpha, confusion, adjudication.

A share of labels (hallucination, minor error) is evidence only when the people who label agree
beyond chance: two reviewers who disagree on a third of the items produce a hallucination rate
that says more about who reviewed than about the model. Items reviewed twice (or more) give:

* **Cohen's kappa** (Cohen 1960), for two reviews per item: ``(p_o - p_e) / (1 - p_e)`` with
  the chance agreement ``p_e`` from each review slot's own label shares. Equal to
  :func:`sklearn.metrics.cohen_kappa_score` on the same two columns.
* **Krippendorff's alpha**, nominal (Krippendorff, *Content Analysis*, 4th ed. 2019, ch. 12;
  Hayes & Krippendorff 2007), for any number of reviewers and missing reviews:
  ``1 - D_o / D_e`` from the coincidence matrix ``o[c, k] = sum over items of (pairs of
  reviews c, k in the item) / (m_item - 1)``; items with one review are not pairable and are
  left out. Rotating reviewers (each item reviewed by two of six team leads) is its case.
* a **percentile bootstrap over items** for both (each resample draws items with
  replacement, so every review of an item stays with it);
* the **confusion between reviewers**: how often each pair of labels was given to the same item;
* each reviewer's agreement with the others (a reviewer drifting shows here first);
* **adjudication**: agreed items keep their label, disagreements take the adjudicator's decision,
  or wait for one.

Labels from an automated judge (an LLM rating outputs) are compared with the human labels in the
same way (:func:`against_reference`): the kit imports them, it calls no model.

Examples
--------
>>> import pandas as pd
>>> reviews = pd.DataFrame({
...     "item": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6],
...     "reviewer": ["A", "B", "A", "B", "A", "C", "B", "C", "A", "B", "A"],
...     "label": ["ok", "ok", "bad", "bad", "ok", "bad", "ok", "ok", "bad", "bad", "ok"]})
>>> res = agreement(reviews, item="item", reviewer="reviewer", label="label", n_boot=200)
>>> res.statistic, round(res.value, 3), res.items, res.reviews
('krippendorff_alpha', 0.64, 5, 10)
>>> round(res.kappa, 3), round(res.observed, 2)
(0.615, 0.8)
>>> final = adjudicate(reviews, item="item", reviewer="reviewer", label="label")
>>> final.final_label.tolist(), final.decided_by.tolist()[2]
(['ok', 'bad', None, 'ok', 'bad', 'ok'], 'pending')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from aipo_widgets.analysis._bootstrap import percentiles
from aipo_widgets.errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "AgreementResult",
    "adjudicate",
    "against_reference",
    "agreement",
    "cohen_kappa",
    "krippendorff_alpha",
]

STATISTICS = ("krippendorff_alpha", "cohen_kappa")


def _codes(values: Sequence[Any], labels: Sequence[Any] | None = None
           ) -> tuple[np.ndarray, list[Any]]:
    import pandas as pd

    s = pd.Series(list(values), dtype=object)
    known = list(labels) if labels is not None else sorted({v for v in s if pd.notna(v)},
                                                           key=str)
    index = {v: i for i, v in enumerate(known)}
    return np.array([index.get(v, -1) if pd.notna(v) else -1 for v in s]), known


def cohen_kappa(a: Sequence[Any], b: Sequence[Any], labels: Sequence[Any] | None = None
                ) -> float:
    """Cohen's kappa of two label sequences of equal length (NaN when chance agreement is 1).

    Examples
    --------
    >>> round(cohen_kappa(["x", "x", "y", "y"], ["x", "y", "y", "y"]), 3)
    0.5
    """
    if len(a) != len(b):
        msg = f"cohen_kappa needs two sequences of equal length, got {len(a)} and {len(b)}"
        raise ValueError(msg)
    ca, known = _codes(list(a) + list(b), labels)
    x, y = ca[: len(a)], ca[len(a):]
    ok = (x >= 0) & (y >= 0)
    table = np.zeros((len(known), len(known)))
    np.add.at(table, (x[ok], y[ok]), 1)
    return float(_kappa(table.reshape(1, -1), len(known))[0])


def _kappa(tables: np.ndarray, c: int) -> np.ndarray:
    # tables: (B, c*c) counts of (first, second) label pairs; kappa per row.
    t = tables.reshape(len(tables), c, c)
    n = t.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        po = np.trace(t, axis1=1, axis2=2) / n
        pe = (t.sum(axis=2) * t.sum(axis=1)).sum(axis=1) / n**2
        return np.where(pe < 1, (po - pe) / (1 - pe), np.nan)


def _unit_counts(matrix: np.ndarray, c: int) -> np.ndarray:
    # items x labels: how many reviews of each label an item got (codes -1 = no review)
    counts = np.zeros((len(matrix), c))
    rows, cols = np.nonzero(matrix >= 0)
    np.add.at(counts, (rows, matrix[rows, cols]), 1)
    return counts


def _coincidences(counts: np.ndarray) -> np.ndarray:
    # each pairable item's contribution to the coincidence matrix, flattened: (items, c*c)
    m = counts.sum(axis=1)
    pairable = m >= 2
    n = counts[pairable]
    outer = n[:, :, None] * n[:, None, :]
    idx = np.arange(n.shape[1])
    outer[:, idx, idx] -= n
    return (outer / (m[pairable] - 1)[:, None, None]).reshape(len(n), -1)


def _alpha(coinc: np.ndarray, c: int) -> np.ndarray:
    # coinc: (B, c*c) coincidence matrices; nominal alpha per row
    o = coinc.reshape(len(coinc), c, c)
    nc = o.sum(axis=2)
    n = nc.sum(axis=1)
    agree = np.trace(o, axis1=1, axis2=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected_disagree = (n**2 - (nc**2).sum(axis=1)) / (n - 1)
        return np.where(expected_disagree > 0,
                        1 - (n - agree) / expected_disagree, np.nan)


def krippendorff_alpha(matrix: Any, labels: Sequence[Any] | None = None) -> float:
    """Krippendorff's alpha (nominal) of an items x reviewers table, missing reviews as NaN/None.

    Examples
    --------
    >>> import numpy as np
    >>> round(krippendorff_alpha([["a", "a"], ["b", "b"], ["a", "b"], ["a", None]]), 3)
    0.444
    """
    table = np.asarray(matrix, dtype=object)
    codes, known = _codes(list(table.ravel()), labels)
    counts = _unit_counts(codes.reshape(table.shape), len(known))
    coinc = _coincidences(counts).sum(axis=0, keepdims=True)
    return float(_alpha(coinc, len(known))[0])


@dataclass
class AgreementResult:
    """Agreement between reviewers on the items reviewed more than once.

    Parameters
    ----------
    statistic : {"krippendorff_alpha", "cohen_kappa"}
        The statistic in ``value`` and its interval.
    value, ci_low, ci_high : float or None
        The statistic and its percentile bootstrap interval over items.
    alpha, kappa : float or None
        Both statistics (kappa only where every pairable item has exactly two reviews).
    observed : float
        The share of agreeing pairs of reviews (raw agreement, chance not removed).
    items, reviews, reviewers : int
        Pairable items (two or more reviews), their reviews, the distinct reviewers.
    labels : list
        The labels, in the order of ``confusion``.
    confusion : pandas.DataFrame
        Pairs of reviews of the same item by label pair (lower triangle: each unordered pair
        counted once; the diagonal holds agreements).
    by_reviewer : pandas.DataFrame
        Per reviewer: reviews on pairable items, pairs with others, share agreeing.
    ci_method : str
        How the interval was computed.
    notes : list of str
        What a reader should know (single-reviewed items left out, and so on).
    """

    statistic: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    alpha: float | None
    kappa: float | None
    observed: float | None
    items: int
    reviews: int
    reviewers: int
    labels: list[Any]
    confusion: pd.DataFrame
    by_reviewer: pd.DataFrame
    ci_method: str = ""
    notes: list[str] = field(default_factory=list)

    def bound(self, which: str) -> float | None:
        """Return ``"estimate"``, ``"ci_low"`` or ``"ci_high"``."""
        return {"estimate": self.value, "ci_low": self.ci_low,
                "ci_high": self.ci_high}.get(which, self.value)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        def num(x: float | None) -> float | None:
            return None if x is None or x != x else round(float(x), 6)

        return {"statistic": self.statistic, "value": num(self.value),
                "ci_low": num(self.ci_low), "ci_high": num(self.ci_high),
                "alpha": num(self.alpha), "kappa": num(self.kappa),
                "observed": num(self.observed), "items": self.items, "reviews": self.reviews,
                "reviewers": self.reviewers, "labels": [str(x) for x in self.labels],
                "confusion": {str(k): {str(j): int(v) for j, v in row.items()}
                              for k, row in self.confusion.to_dict("index").items()},
                "ci_method": self.ci_method, "notes": list(self.notes)}


def _check(frame: pd.DataFrame, columns: dict[str, str]) -> None:
    gone = [f"{role} column '{col}'" for role, col in columns.items() if col not in frame]
    if gone:
        raise DataError([Problem(
            f"the reviews have no {', no '.join(gone)}",
            fix=f"name the reviews' columns (it has: {', '.join(map(str, frame.columns))})")])


def agreement(reviews: pd.DataFrame, *, item: str, reviewer: str, label: str,
              labels: Sequence[Any] | None = None, statistic: str = "krippendorff_alpha",
              n_boot: int = 1000, seed: int | None = 0, ci: float = 0.95) -> AgreementResult:
    """Agreement of the reviews of the items reviewed more than once.

    Parameters
    ----------
    reviews : pandas.DataFrame
        One row per review (long format): the item, the reviewer, the label. A reviewer who
        reviewed an item twice counts once (the last review).
    item, reviewer, label : str
        Their columns.
    labels : sequence, optional
        The label set (default: the labels found, sorted).
    statistic : {"krippendorff_alpha", "cohen_kappa"}
        The statistic reported in ``value`` and its interval.
    n_boot : int
        Bootstrap resamples over items (0: no interval).
    seed : int or None
        Seed of the bootstrap.
    ci : float
        Confidence level.

    Returns
    -------
    AgreementResult
    """
    import pandas as pd

    if statistic not in STATISTICS:
        msg = f"statistic must be one of {', '.join(STATISTICS)}, got {statistic!r}"
        raise ValueError(msg)
    _check(reviews, {"item": item, "reviewer": reviewer, "label": label})
    rows = reviews[[item, reviewer, label]].dropna(subset=[label])
    rows = rows.drop_duplicates(subset=[item, reviewer], keep="last")
    codes, known = _codes(rows[label].tolist(), labels)
    rows = rows.assign(_code=codes)[codes >= 0]
    c = len(known)
    per_item = rows.groupby(item, sort=True)
    m = per_item.size()
    pairable = m[m >= 2].index
    notes = []
    if (m < 2).any():
        notes.append(f"{int((m < 2).sum()):,} items reviewed once are not pairable and left "
                     "out")
    both = rows[rows[item].isin(pairable)]
    # items x labels counts, and per item its reviews in order (for kappa's two slots)
    matrix = both.pivot_table(index=item, columns=reviewer, values="_code", aggfunc="last")
    counts = _unit_counts(matrix.fillna(-1).to_numpy(dtype=int), c)
    coinc = _coincidences(counts)
    alpha = float(_alpha(coinc.sum(axis=0, keepdims=True), c)[0]) if len(coinc) else None
    two = len(pairable) > 0 and bool((m.loc[pairable] == 2).all())
    slots = None
    kappa = None
    if two:
        ordered = both.groupby(item, sort=True)["_code"].agg(list)
        first = np.array([v[0] for v in ordered])
        second = np.array([v[1] for v in ordered])
        slots = np.zeros((len(first), c * c))
        slots[np.arange(len(first)), first * c + second] = 1
        kappa = float(_kappa(slots.sum(axis=0, keepdims=True), c)[0])
    elif statistic == "cohen_kappa":
        notes.append("Cohen's kappa needs exactly two reviews per item: Krippendorff's alpha "
                     "is reported instead")
        statistic = "krippendorff_alpha"
    value = kappa if statistic == "cohen_kappa" else alpha
    lo = hi = None
    method = ""
    if n_boot and len(pairable) >= 2:
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(len(pairable), np.full(len(pairable), 1 / len(pairable)),
                                  size=n_boot).astype(float)
        stats = (_kappa(weights @ slots, c) if statistic == "cohen_kappa" and slots is not None
                 else _alpha(weights @ coinc, c))
        low, high = percentiles(stats.reshape(-1, 1), ci)
        lo, hi = (None if low[0] != low[0] else float(low[0]),
                  None if high[0] != high[0] else float(high[0]))
        method = f"bootstrap percentile over items ({n_boot} resamples)"
    # confusion: unordered pairs of reviews of the same item
    # unordered pairs within an item: n_c * n_k below the diagonal, n_c choose 2 on it
    pair_counts = (np.tril(counts.T @ counts, -1)
                   + np.diag((counts * (counts - 1) / 2).sum(axis=0)))
    total_pairs = pair_counts.sum()
    observed = float(np.trace(pair_counts) / total_pairs) if total_pairs else None
    confusion = pd.DataFrame(pair_counts.astype(int), index=pd.Index(known, name="label"),
                             columns=known)
    # each review's pairs with the item's other reviews, and how many of them agree
    size = both.groupby(item)[reviewer].transform("size")
    same = both.groupby([item, "_code"])[reviewer].transform("size")
    per = both.assign(_pairs=size - 1, _agree=same - 1).groupby(reviewer, sort=True).agg(
        reviews=(item, "size"), pairs=("_pairs", "sum"), agreed=("_agree", "sum"))
    by_rev = per.assign(agreement=(per.agreed / per.pairs).where(per.pairs > 0)).reset_index()
    return AgreementResult(
        statistic=statistic, value=value, ci_low=lo, ci_high=hi, alpha=alpha, kappa=kappa,
        observed=observed, items=len(pairable), reviews=len(both),
        reviewers=int(both[reviewer].nunique()), labels=known, confusion=confusion,
        by_reviewer=by_rev[[reviewer, "reviews", "pairs", "agreement"]].rename(
            columns={reviewer: "reviewer"}),
        ci_method=method, notes=notes)


def against_reference(reviews: pd.DataFrame, reference: pd.DataFrame, *, item: str,
                      label: str, reference_label: str | None = None,
                      name: str = "automated judge", labels: Sequence[Any] | None = None,
                      n_boot: int = 1000, seed: int | None = 0, ci: float = 0.95
                      ) -> AgreementResult:
    """Agreement of one label per item (e.g. the adjudicated human label) with another source.

    Cohen's kappa of the two on the items both have, e.g. an automated judge's imported labels
    against the humans' final labels.

    Examples
    --------
    >>> import pandas as pd
    >>> human = pd.DataFrame({"id": [1, 2, 3, 4], "final": ["ok", "bad", "ok", "ok"]})
    >>> judge = pd.DataFrame({"id": [1, 2, 3, 5], "verdict": ["ok", "bad", "bad", "ok"]})
    >>> r = against_reference(human, judge, item="id", label="final",
    ...                       reference_label="verdict", n_boot=0)
    >>> r.items, round(r.kappa, 3), r.statistic
    (3, 0.4, 'cohen_kappa')
    """
    import pandas as pd

    ref_label = reference_label or label
    _check(reviews, {"item": item, "label": label})
    _check(reference, {"item": item, "label": ref_label})
    a = reviews[[item, label]].dropna().drop_duplicates(item, keep="last")
    b = reference[[item, ref_label]].dropna().drop_duplicates(item, keep="last")
    long = pd.concat([a.rename(columns={label: "_label"}).assign(_who="reviewers"),
                      b.rename(columns={ref_label: "_label"}).assign(_who=name)],
                     ignore_index=True)
    long = long[long[item].isin(set(a[item]) & set(b[item]))]
    return agreement(long, item=item, reviewer="_who", label="_label", labels=labels,
                     statistic="cohen_kappa", n_boot=n_boot, seed=seed, ci=ci)


def adjudicate(reviews: pd.DataFrame, *, item: str, reviewer: str, label: str,
               decisions: pd.DataFrame | None = None, decision_label: str | None = None
               ) -> pd.DataFrame:
    """Return the final label of each item: agreed, decided by an adjudicator, or pending.

    Parameters
    ----------
    reviews : pandas.DataFrame
        One row per review.
    item, reviewer, label : str
        Its columns.
    decisions : pandas.DataFrame, optional
        The adjudicator's decisions: the item column and ``decision_label`` (default
        ``label``), optionally ``adjudicator``. Only disagreements need one; a decision on an
        agreed item overrides the agreement (a reviewer error found later).
    decision_label : str, optional
        The decisions' label column.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``reviews`` (how many), ``labels`` (the labels given, joined with
        " / "), ``agreed``, ``final_label`` (None while pending), ``decided_by``
        (``"agreement"``, ``"single review"``, ``"adjudication"`` or ``"pending"``).
    """
    import pandas as pd

    _check(reviews, {"item": item, "reviewer": reviewer, "label": label})
    rows = reviews.dropna(subset=[label]).drop_duplicates(subset=[item, reviewer], keep="last")
    grouped = rows.groupby(item, sort=True)[label].agg(list)
    decided: dict[Any, Any] = {}
    if decisions is not None:
        col = decision_label or label
        _check(decisions, {"item": item, "label": col})
        decided = dict(zip(decisions[item], decisions[col], strict=True))
    out = []
    for it, given in grouped.items():
        agreed = len(set(given)) == 1
        if it in decided and pd.notna(decided[it]):
            final, how = decided[it], "adjudication"
        elif agreed:
            final, how = given[0], "agreement" if len(given) > 1 else "single review"
        else:
            final, how = None, "pending"
        out.append({item: it, "reviews": len(given), "labels": " / ".join(map(str, given)),
                    "agreed": agreed, "final_label": final, "decided_by": how})
    frame = pd.DataFrame(out, columns=[item, "reviews", "labels", "agreed", "final_label",
                                       "decided_by"])
    # pending stays None (not NaN): it is written to the final-label file as an empty cell
    frame["final_label"] = pd.Series([r["final_label"] for r in out], dtype=object)
    return frame
