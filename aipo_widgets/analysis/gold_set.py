"""Checks of a gold set: whether it can carry the evidence asked of it.

:func:`check_gold_set` returns one :class:`~aipo_widgets.evidence.Gate` per check: size,
missing labels, class balance, duplicates (ids, texts, feature rows, conflicting labels) and,
with training data, leakage of gold rows into it.  Texts are compared after collapsing white
space and case, so ``"A  b"`` and ``"a b"`` count as the same text.  The evaluation itself is
:mod:`aipo_widgets.analysis.evaluation`.

Examples
--------
>>> import pandas as pd
>>> gold = pd.DataFrame({"id": [1, 2, 3, 4], "text": ["a b", "A  b", "c", "d"],
...                      "label": [1, 0, 0, 1]})
>>> train = pd.DataFrame({"id": [9], "text": ["C"]})
>>> rep = check_gold_set(gold, id_column="id", text_column="text", training=train, min_size=3,
...                      min_minority_count=1)
>>> rep.ok, [g.name for g in rep.gates if g.verdict == "fail"]
(False, ['duplicates', 'leakage into training data'])
>>> rep.details["leakage"]
{'ids': 0, 'texts': 1}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aipo_widgets.analysis._checks import check_frame, column_values, row_examples
from aipo_widgets.analysis._json import plain
from aipo_widgets.errors import DataError, UsageError
from aipo_widgets.evidence import Gate, Verdict

__all__ = ["GoldSetReport", "check_gold_set"]


@dataclass
class GoldSetReport:
    """The checks of a gold set, each a :class:`~aipo_widgets.evidence.Gate`.

    Parameters
    ----------
    n_rows : int
        Rows in the gold set.
    class_counts : dict
        Rows per label value (missing labels not counted).
    gates : list of Gate
        One gate per check: size, missing labels, class balance, duplicates, and leakage when
        training data was given.
    details : dict
        The figures behind the gates (duplicate counts by kind, overlaps by kind, examples).
    """

    n_rows: int
    class_counts: dict[str, int]
    gates: list[Gate]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return all(g.ok for g in self.gates)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "n_rows": self.n_rows,
            "class_counts": plain(self.class_counts),
            "gates": [g.to_dict() for g in self.gates],
            "details": plain(self.details),
        }


_WS = re.compile(r"\s+")


def _norm_text(s: pd.Series) -> pd.Series:
    return s.astype(str).str.replace(_WS, " ", regex=True).str.strip().str.casefold()


def check_gold_set(
    data: pd.DataFrame,
    *,
    label: str = "label",
    id_column: str | None = None,
    text_column: str | None = None,
    feature_columns: Sequence[str] | None = None,
    training: pd.DataFrame | None = None,
    min_size: int = 200,
    min_minority_share: float = 0.05,
    min_minority_count: int = 30,
    task: str = "classification",
    production_prevalence: float | None = None,
) -> GoldSetReport:
    """Check that a gold set can carry the evidence asked of it.

    The checks, each a gate:

    * **size**: fail below ``min_size`` rows;
    * **missing labels**: fail when any row has no label;
    * **class balance** (classification and review): fail with a single class, warn when the
      rarest class has fewer than ``min_minority_count`` rows (its metrics' intervals would be
      too wide to judge).  A rare class is not a fault: precision, shares and the cost-optimal
      threshold assume the production mix, so a gold set drawn as production comes is right,
      and "add examples of the rare class" would bias them.  To get more rare examples, enrich
      on purpose and declare the production prevalence (``production_prevalence``): the
      evaluation and the threshold are then reweighted to production;
    * **duplicates**: fail on duplicate ids and on identical texts (or feature rows) with
      conflicting labels; warn on exact duplicate rows and duplicate texts (texts are compared
      after collapsing white space and case);
    * **leakage** (only with ``training``): fail when gold rows appear in the training data, by
      id, by normalised text or by identical feature values.

    Parameters
    ----------
    data : DataFrame
        The gold set.
    label : str
        The label column.
    id_column, text_column : str, optional
        An id column (must be unique) and a free-text column (e.g. the ticket text).
    feature_columns : list of str, optional
        Columns whose identical values count as a duplicate or a leak.
    training : DataFrame, optional
        The training data; it must have the id, text and feature columns that are named.
    min_size : int, default 200
        Minimum number of rows.
    min_minority_share : float, default 0.05
        Below this share the class counts as rare, and the gate explains the production mix
        and enrichment (it does not warn on the share alone).
    min_minority_count : int, default 30
        Minimum rows of the rarest class.
    task : {"classification", "regression", "review"}
        Regression skips the class-balance check.
    production_prevalence : float, optional
        Declared for an enriched gold set: the share of positives in production.

    Returns
    -------
    GoldSetReport

    Raises
    ------
    DataError
        An empty frame, a named column missing from the gold set or the training data.
    UsageError
        Bad limits, or training data without any column to compare by.

    Examples
    --------
    >>> import pandas as pd
    >>> gold = pd.DataFrame({"id": [1, 2, 3, 4], "text": ["a b", "A  b", "c", "d"],
    ...                      "label": [1, 0, 0, None]})
    >>> rep = check_gold_set(gold, id_column="id", text_column="text", min_size=3,
    ...                      min_minority_count=1, min_minority_share=0.2)
    >>> [(g.name, g.verdict) for g in rep.gates]
    [('gold set size', 'pass'), ('missing labels', 'fail'), ('class balance', 'pass'), \
('duplicates', 'fail')]
    """
    data = check_frame(data)
    assert data is not None
    if task not in ("classification", "regression", "review"):
        msg = f"task must be 'classification', 'regression' or 'review', got {task!r}"
        raise UsageError(msg)
    for arg, v in (("min_size", min_size), ("min_minority_count", min_minority_count)):
        if not isinstance(v, (int, np.integer)) or v < 0:
            msg = f"{arg} must be a whole number >= 0, got {v!r}"
            raise UsageError(msg)
    if not 0 <= min_minority_share <= 0.5:
        msg = f"min_minority_share must be between 0 and 0.5, got {min_minority_share!r}"
        raise UsageError(msg)
    named = {"label": label, "id_column": id_column, "text_column": text_column}
    named.update({f"feature_columns[{i}]": c for i, c in enumerate(feature_columns or [])})
    for arg, col in named.items():
        if col is not None:
            column_values(data, col, arg)
    features = list(feature_columns or [])
    n = len(data)
    gates: list[Gate] = []
    details: dict[str, Any] = {}

    gates.append(
        Gate(
            "gold set size",
            "pass" if n >= min_size else "fail",
            figure=n,
            threshold=f">= {min_size}",
            detail=(
                f"{n} rows"
                if n >= min_size
                else f"{n} rows is below the minimum of {min_size}; label more examples"
            ),
        )
    )
    lab = data[label]
    missing = int(lab.isna().sum())
    details["missing_labels"] = missing
    gates.append(
        Gate(
            "missing labels",
            "fail" if missing else "pass",
            figure=missing,
            threshold="0",
            detail=(
                f"{missing} rows have no label (e.g. rows "
                f"{row_examples(lab, lab.isna().to_numpy())}); label or drop them"
                if missing
                else "every row is labelled"
            ),
        )
    )
    counts = lab.value_counts(dropna=True)
    class_counts = {str(k): int(v) for k, v in counts.items()}
    verdict: Verdict
    if task != "regression":
        if len(counts) < 2:
            verdict, fig = "fail", 0.0
            detail = (
                f"only one class ({next(iter(class_counts), 'none')}); the gold set needs "
                "examples of every class"
            )
        else:
            minority, mcount = str(counts.index[-1]), int(counts.iloc[-1])
            fig = mcount / int(counts.sum())
            few = mcount < min_minority_count
            verdict = "warn" if few else "pass"
            detail = f"rarest class {minority!r}: {mcount} rows ({fig:.1%})"
            if few and task == "review":
                detail += (
                    f", below the minimum of {min_minority_count} rows: the interval on its "
                    "share will be wide. Review more outputs drawn as production comes; do not "
                    "add outputs of one label on purpose, which would bias every label's share"
                )
            elif few:
                detail += (
                    f", below the minimum of {min_minority_count} rows: intervals on its "
                    "metrics (e.g. recall) will be too wide to judge. Label more rows drawn as "
                    "production comes, or enrich the gold set with examples of "
                    f"{minority!r} on purpose"
                    + ("" if production_prevalence is not None else
                       " and declare production_prevalence on its data source, so that "
                       "precision, shares and the threshold are reweighted to production "
                       "(added examples without it bias them)")
                )
            elif fig < min_minority_share and task == "review":
                detail += (
                    ": rare, which is right if production has the same mix (the label shares "
                    "assume it)"
                )
            elif fig < min_minority_share and production_prevalence is None:
                detail += (
                    ": rare, which is right if production has the same mix (precision, "
                    "shares and the cost-optimal threshold assume it). If the gold set was "
                    "enriched with it, declare production_prevalence on its data source"
                )
            if production_prevalence is not None:
                detail += (
                    f"; enriched on purpose, production has {production_prevalence:.2%} "
                    "positives: precision, accuracy, shares and the cost-optimal threshold are "
                    "reweighted to production (the evaluation shows both)"
                )
        gates.append(
            Gate(
                "class balance",
                verdict,
                figure=round(fig, 6),
                threshold=f">= {min_minority_count} rows of the rarest class",
                detail=detail,
                extra={"class_counts": class_counts},
            )
        )

    # duplicates
    dup: dict[str, int] = {}
    fails, warns = [], []
    dup["rows"] = int(data.duplicated().sum())
    if dup["rows"]:
        warns.append(f"{dup['rows']} exact duplicate rows")
    if id_column is not None:
        dup["ids"] = int(data[id_column].duplicated().sum())
        if dup["ids"]:
            fails.append(f"{dup['ids']} duplicate ids in {id_column!r}")
    keys: list[tuple[str, pd.Series]] = []
    if text_column is not None:
        keys.append(("texts", _norm_text(data[text_column])))
    if features:
        keys.append(("feature rows", pd.util.hash_pandas_object(data[features], index=False)))
    for kind, key in keys:
        d = int(key.duplicated().sum())
        dup[kind] = d
        if d:
            lab_per_key = pd.DataFrame({"k": key.to_numpy(), "y": lab.to_numpy()}).dropna()
            conflicts = int((lab_per_key.groupby("k")["y"].nunique() > 1).sum())
            dup[f"{kind} with conflicting labels"] = conflicts
            if conflicts:
                fails.append(f"{conflicts} {kind} occur with different labels")
            warns.append(f"{d} duplicate {kind}")
    details["duplicates"] = dup
    verdict = "fail" if fails else ("warn" if warns else "pass")
    gates.append(
        Gate(
            "duplicates",
            verdict,
            figure=sum(v for k, v in dup.items() if "conflicting" not in k),
            threshold="0",
            detail="; ".join(fails + warns) + "; remove or merge them"
            if fails or warns
            else "no duplicates",
            extra=dup,
        )
    )

    if training is not None:
        if not isinstance(training, pd.DataFrame):
            msg = f"training must be a pandas DataFrame, got {type(training).__name__}"
            raise UsageError(msg)
        need = [c for c in [id_column, text_column, *features] if c is not None]
        if not need:
            msg = (
                "training data was given but no id_column, text_column or feature_columns to "
                "compare by; name at least one"
            )
            raise UsageError(msg)
        absent = [c for c in need if c not in training.columns]
        if absent:
            msg = (
                f"the training data lacks the column(s) {', '.join(map(repr, absent))} used to "
                "check for leakage; pass training data with them or drop them from the check"
            )
            raise DataError(msg)
        leak: dict[str, int] = {}
        hit = np.zeros(n, dtype=bool)
        if id_column is not None:
            m = data[id_column].isin(training[id_column]).to_numpy()
            leak["ids"], hit = int(m.sum()), hit | m
        if text_column is not None:
            m = _norm_text(data[text_column]).isin(_norm_text(training[text_column])).to_numpy()
            leak["texts"], hit = int(m.sum()), hit | m
        if features:
            hg = pd.util.hash_pandas_object(data[features], index=False)
            ht = pd.util.hash_pandas_object(training[features], index=False)
            m = hg.isin(ht).to_numpy()
            leak["feature rows"], hit = int(m.sum()), hit | m
        details["leakage"] = leak
        k = int(hit.sum())
        gates.append(
            Gate(
                "leakage into training data",
                "fail" if k else "pass",
                figure=k,
                threshold="0",
                detail=(
                    f"{k} gold rows also appear in the training data ("
                    + ", ".join(f"{v} by {kind}" for kind, v in leak.items() if v)
                    + "); remove them from the training data or the gold set"
                    if k
                    else "no gold row appears in the training data"
                ),
                extra=leak,
            )
        )
    return GoldSetReport(n_rows=n, class_counts=class_counts, gates=gates, details=details)
