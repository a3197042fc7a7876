"""Operational figures measured from a production log, each with where it was measured.

Once a product is live, the figures its alert rules and kill switch watch come from its own log,
not from numbers typed into ``aipo.yaml``: how many alarms turned out false, how precise the
model is where labels have arrived, how often calls fail or time out, what a use costs (tokens
times the price table) and how long it takes. Each function here takes the rows of one window
(:func:`aipo_widgets.analysis.sources.read_window`) and the :class:`Window` they came from, and
returns :class:`Measurement` objects: the value, the rows it rests on (its denominator) and the
figure's :class:`~aipo_widgets.evidence.Provenance`. Deciding is left to the gates.

Examples
--------
>>> import datetime as dt
>>> import pandas as pd
>>> from aipo_widgets.analysis.sources import Window
>>> log = pd.DataFrame({"score": [0.9, 0.8, 0.7, 0.1, 0.6, 0.2],
...                     "label": [1, 0, 0, 1, None, 0]})
>>> w = Window("log", dt.date(2026, 11, 1), dt.date(2026, 11, 28), rows=len(log))
>>> m = precision_recall(log, w, label="label", score="score", threshold=0.5)
>>> m["precision"].value, m["precision"].rows, m["recall"].value, m["recall"].rows
(0.3333333333333333, 3, 0.5, 2)
>>> m["precision"].provenance.describe()
'measured in log from 2026-11-01 to 2026-11-28 (3 rows); flagged rows with a label'
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis._bootstrap import wilson_interval
from aipo_widgets.analysis.sources import Window, row_days
from aipo_widgets.errors import DataError, Problem
from aipo_widgets.evidence import Provenance

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.budgets import Price

__all__ = [
    "DAYS_PER_MONTH",
    "Measurement",
    "completeness",
    "cost_per_use",
    "error_rates",
    "false_alarms_per_month",
    "is_positive",
    "latency_percentiles",
    "new_labels",
    "precision_recall",
    "price_on",
]

#: The mean length of a calendar month (365.25 / 12 days): "per month" figures scale by it.
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Measurement:
    """One figure measured on a window, with what it rests on.

    Parameters
    ----------
    name : str
        What was measured, e.g. ``"false alarms per month"``.
    value : float or None
        The figure; None when the window holds nothing to compute it from.
    rows : int
        The rows the figure rests on: its denominator (labelled rows for a share of labels,
        positives for recall, flagged rows with a label for precision).
    basis : str
        What those rows are, in words.
    provenance : Provenance
        Where the figure was measured (window, rows), or why it could not be.
    detail : str
        How the value was computed, with the counts, so that a person can check it by hand.
    ci : tuple of float, optional
        A 95 % interval, where there is one.
    unit : str
        The unit of the value.
    """

    name: str
    value: float | None
    rows: int
    basis: str
    provenance: Provenance
    detail: str = ""
    ci: tuple[float, float] | None = None
    unit: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def measured(self) -> bool:
        """Whether there is a value measured in the window."""
        return self.value is not None and self.provenance.kind == "measured"

    def enough(self, needed: int) -> bool:
        """Whether the figure rests on at least ``needed`` rows."""
        return self.measured and self.rows >= needed

    def to_dict(self) -> dict[str, Any]:
        """Return the measurement as a JSON-ready dict."""
        return {"name": self.name, "value": self.value, "rows": self.rows, "basis": self.basis,
                "provenance": self.provenance.to_dict(), "detail": self.detail,
                "ci": list(self.ci) if self.ci else None, "unit": self.unit, **self.extra}


def _measured(name: str, value: float | None, rows: int, basis: str, window: Window, *,
              detail: str = "", ci: tuple[float, float] | None = None, unit: str = "",
              **extra: Any) -> Measurement:
    if value is not None and not math.isfinite(value):
        value = None
    return Measurement(name, value, rows, basis, window.provenance(rows, basis), detail=detail,
                       ci=ci, unit=unit, extra=extra)


def _need(frame: pd.DataFrame, *columns: str | None, what: str) -> None:
    missing = [c for c in columns if not c or c not in frame.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing)
        raise DataError([Problem(
            f"{what} needs the column(s) {shown}, which the window does not have",
            path=", ".join(str(c) for c in missing),
            fix=f"columns: {', '.join(map(str, frame.columns[:12]))}; name the right one in "
                "the data source's entry of data_map.sources")])


def is_positive(labels: pd.Series, positive: Any = None) -> pd.Series:
    """Return whether each (non-missing) label is the positive class.

    Parameters
    ----------
    labels : Series
        Labels, without missing values.
    positive : str, int or bool, optional
        The positive label (``data_map.sources[].positive_label``); default 1 (or true).

    Examples
    --------
    >>> import pandas as pd
    >>> list(is_positive(pd.Series([1.0, 0.0, 1.0])))
    [True, False, True]
    >>> list(is_positive(pd.Series(["true", "no"])))
    [True, False]
    >>> list(is_positive(pd.Series(["hallucination", "correct"]), "hallucination"))
    [True, False]
    """
    import pandas as pd

    if positive is None or isinstance(positive, bool):
        positive = 1 if positive is None else int(positive)
    if isinstance(positive, (int, float)):
        numbers = pd.to_numeric(labels, errors="coerce")
        out = numbers == positive
        if positive == 1:
            out |= labels.astype(str).str.strip().str.lower().isin(["true", "yes"])
        return out.fillna(False).astype(bool)
    return labels.astype(str) == str(positive)


def _covered_days(frame: pd.DataFrame, window: Window, time: str | None) -> int:
    # A log that starts inside the window (a go-live ten days ago) covers fewer days than the
    # window; a rate per month over the whole window would understate it.
    if not time or time not in frame.columns or frame.empty:
        return window.days
    first = row_days(frame, time, source=window.source).min()
    if first is None or first != first:  # NaT
        return window.days
    start = max(window.start, first.date())
    return (window.end - start).days + 1


def false_alarms_per_month(frame: pd.DataFrame, window: Window, *, label: str, score: str,
                           threshold: float, time: str | None = None,
                           positive: Any = None) -> Measurement:
    """Estimate the alarms per month that turn out false, from the window's alarms and labels.

    Every row at or above the threshold raised an alarm; whether it was false is known only
    where its label has arrived. The estimate is the alarms per month in the window times the
    share of false ones among the alarms with a label, so that labels still on their way lower
    neither the count nor the share:

    ``alarms / days covered * 365.25 / 12 * false / (alarms with a label)``

    Parameters
    ----------
    frame : DataFrame
        The window's rows.
    window : Window
        The window they come from.
    label, score : str
        The label column (empty where not yet known) and the score column.
    threshold : float
        Rows with ``score >= threshold`` raise an alarm.
    time : str, optional
        The time column: the days covered run from the window's first row (or its start).
    positive : optional
        The positive label (default 1).

    Returns
    -------
    Measurement
        ``rows`` is the number of alarms with a label (the share's denominator).

    Examples
    --------
    Eight alarms in a 28-day window, six with a label, of which five false:

    >>> import pandas as pd
    >>> from aipo_widgets.analysis.sources import Window
    >>> log = pd.DataFrame({"score": [0.5] * 8 + [0.01] * 4,
    ...                     "label": [0, 0, 0, 0, 0, 1, None, None, 0, 0, 1, 0]})
    >>> w = Window("log", dt.date(2026, 11, 1), dt.date(2026, 11, 28), rows=12)
    >>> m = false_alarms_per_month(log, w, label="label", score="score", threshold=0.03)
    >>> round(m.value, 4), round(8 / 28 * 365.25 / 12 * 5 / 6, 4), m.rows
    (7.247, 7.247, 6)
    """
    _need(frame, label, score, what="false alarms per month")
    days = _covered_days(frame, window, time)
    scores = frame[score]
    alarms = scores.notna() & (scores >= threshold)
    labelled = alarms & frame[label].notna()
    n_alarms, n_labelled = int(alarms.sum()), int(labelled.sum())
    false = int((~is_positive(frame.loc[labelled, label], positive)).sum())
    per_month = n_alarms / days * DAYS_PER_MONTH
    if n_labelled == 0:
        return _measured("false alarms per month", None, 0, "alarms with a label", window,
                         detail=f"{n_alarms:,} alarms in {days} days, none with a label yet",
                         unit="per month")
    share = false / n_labelled
    lo, hi = wilson_interval(false, n_labelled)
    return _measured(
        "false alarms per month", per_month * share, n_labelled, "alarms with a label", window,
        detail=(f"{n_alarms:,} alarms (score >= {threshold:g}) in {days} days = "
                f"{per_month:,.1f} a month; {false:,} of the {n_labelled:,} with a label were "
                f"false ({share:.1%})"),
        ci=(per_month * float(lo), per_month * float(hi)), unit="per month",
        alarms=n_alarms, false=false, days=days)


def precision_recall(frame: pd.DataFrame, window: Window, *, label: str, score: str,
                     threshold: float, positive: Any = None) -> dict[str, Measurement]:
    """Measure precision and recall at the threshold, on the rows whose label has arrived.

    Returns
    -------
    dict
        ``precision`` (rests on the alarms with a label) and ``recall`` (on the positives with
        a label), each with a Wilson 95 % interval.

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.analysis.sources import Window
    >>> log = pd.DataFrame({"score": [0.9, 0.2, 0.8, 0.1], "label": [1, 1, 0, 0]})
    >>> w = Window("log", dt.date(2026, 11, 1), dt.date(2026, 11, 7), rows=4)
    >>> m = precision_recall(log, w, label="label", score="score", threshold=0.5)
    >>> m["precision"].value, m["recall"].value
    (0.5, 0.5)
    """
    _need(frame, label, score, what="precision and recall")
    known = frame[frame[label].notna() & frame[score].notna()]
    pos = is_positive(known[label], positive).to_numpy()
    flagged = (known[score] >= threshold).to_numpy()
    tp = int((pos & flagged).sum())
    n_flagged, n_pos = int(flagged.sum()), int(pos.sum())
    out = {}
    for name, hits, n, basis in (("precision", tp, n_flagged, "flagged rows with a label"),
                                 ("recall", tp, n_pos, "positives with a label")):
        value = hits / n if n else None
        ci = tuple(float(x) for x in wilson_interval(hits, n)) if n else None
        out[name] = _measured(name, value, n, basis, window, ci=ci,  # type: ignore[arg-type]
                              detail=f"{hits:,} of {n:,} {basis} at threshold {threshold:g}")
    return out


def error_rates(frame: pd.DataFrame, window: Window, *, status: str,
                ok_values: Sequence[str] = ("ok",),
                timeout_values: Sequence[str] = ("timeout",)) -> dict[str, Measurement]:
    """Measure the share of calls that failed (any status but an ok one) and that timed out.

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.analysis.sources import Window
    >>> log = pd.DataFrame({"status": ["ok"] * 7 + ["error", "timeout", None]})
    >>> w = Window("log", dt.date(2026, 11, 1), dt.date(2026, 11, 7), rows=10)
    >>> m = error_rates(log, w, status="status")
    >>> m["error_rate"].value, m["timeout_rate"].value, m["error_rate"].rows
    (0.2222222222222222, 0.1111111111111111, 9)
    """
    _need(frame, status, what="error and timeout rates")
    known = frame[status].dropna().astype(str).str.strip()
    n = len(known)
    failed = int((~known.isin(list(ok_values))).sum())
    timeouts = int(known.isin(list(timeout_values)).sum())
    out = {}
    for name, hits, what in (("error_rate", failed, "not " + "/".join(ok_values)),
                             ("timeout_rate", timeouts, "/".join(timeout_values))):
        ci = tuple(float(x) for x in wilson_interval(hits, n)) if n else None
        out[name] = _measured(name.replace("_", " "), hits / n if n else None, n,
                              "calls with a status", window, ci=ci,  # type: ignore[arg-type]
                              detail=f"{hits:,} of {n:,} calls {what}")
    return out


def price_on(prices: Iterable[Price], model: str, day: dt.date) -> Price | None:
    """Return the price of ``model`` valid on ``day``: the latest one from that day or before.

    Examples
    --------
    >>> from aipo_widgets.model.budgets import Price
    >>> table = [Price(model="m", input_per_1k=1, output_per_1k=2, currency="EUR",
    ...                valid_from=dt.date(2026, 1, 1)),
    ...          Price(model="m", input_per_1k=3, output_per_1k=4, currency="EUR",
    ...                valid_from=dt.date(2026, 6, 1))]
    >>> price_on(table, "m", dt.date(2026, 5, 31)).input_per_1k
    1.0
    >>> price_on(table, "m", dt.date(2025, 12, 31)) is None
    True
    """
    valid = [p for p in prices if p.model == model and p.valid_from <= day]
    return max(valid, key=lambda p: p.valid_from) if valid else None


def cost_per_use(frame: pd.DataFrame, window: Window, *, prices: Sequence[Price],
                 model: str, tokens_in: str, tokens_out: str, time: str,
                 currency: str = "", logged: str | None = None) -> Measurement:
    """Measure the mean cost of a call: its tokens times its model's price on its day.

    A call whose model has no price valid on its day cannot be costed: the figure is then not
    measured (it would understate the cost), and the detail names the models and days.

    Parameters
    ----------
    frame : DataFrame
        The window's rows, one per call.
    window : Window
        The window.
    prices : list of aipo_widgets.model.budgets.Price
        ``budgets.prices``.
    model, tokens_in, tokens_out, time : str
        The columns with each call's model, input and output tokens, and time.
    currency : str
        The currency of the prices (for the detail).
    logged : str, optional
        A cost column the system logs itself: its mean is reported beside the measured one
        (a difference means the system prices calls with other prices than the table).

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.analysis.sources import Window
    >>> from aipo_widgets.model.budgets import Price
    >>> table = [Price(model="m", input_per_1k=0.001, output_per_1k=0.002, currency="EUR",
    ...                valid_from=dt.date(2026, 1, 1))]
    >>> log = pd.DataFrame({"model": ["m", "m"], "tin": [1000, 3000], "tout": [500, 500],
    ...                     "t": ["2026-11-02", "2026-11-03"]})
    >>> w = Window("log", dt.date(2026, 11, 1), dt.date(2026, 11, 7), rows=2)
    >>> m = cost_per_use(log, w, prices=table, model="model", tokens_in="tin",
    ...                  tokens_out="tout", time="t")
    >>> round(m.value, 6), (0.001 * 1 + 0.002 * 0.5 + 0.001 * 3 + 0.002 * 0.5) / 2
    (0.003, 0.003)
    """
    import numpy as np
    import pandas as pd

    _need(frame, model, tokens_in, tokens_out, time, what="cost per use from tokens")
    if frame.empty:
        return _measured("cost per use", None, 0, "calls", window, unit=currency)
    days = row_days(frame, time, source=window.source)
    models = frame[model].astype(str)
    price_in = np.full(len(frame), np.nan)
    price_out = np.full(len(frame), np.nan)
    unpriced: dict[str, set[str]] = {}
    for (name, day), idx in pd.Series(range(len(frame))).groupby(
            [models.to_numpy(), days.dt.date.to_numpy()]).groups.items():
        price = price_on(prices, str(name), day)
        rows = np.asarray(idx)
        if price is None:
            unpriced.setdefault(str(name), set()).add(day.isoformat())
            continue
        price_in[rows], price_out[rows] = price.input_per_1k, price.output_per_1k
    if unpriced:
        said = "; ".join(f"{m} on {min(d)}" + (f" to {max(d)}" if len(d) > 1 else "")
                         for m, d in sorted(unpriced.items()))
        return Measurement(
            "cost per use", None, 0, "calls", Provenance.missing(
                f"budgets.prices: no price valid for {said}"),
            detail=f"calls without a price: {said}; add their prices to budgets.prices",
            unit=currency)
    tin = pd.to_numeric(frame[tokens_in], errors="coerce").fillna(0).to_numpy(float)
    tout = pd.to_numeric(frame[tokens_out], errors="coerce").fillna(0).to_numpy(float)
    cost = tin / 1000 * price_in + tout / 1000 * price_out
    value = float(cost.mean())
    detail = (f"{len(frame):,} calls, {tin.sum():,.0f} input and {tout.sum():,.0f} output "
              f"tokens at the prices of budgets.prices = {cost.sum():,.4f} {currency}".rstrip())
    extra: dict[str, Any] = {"total": float(cost.sum())}
    if logged and logged in frame.columns:
        logged_mean = float(pd.to_numeric(frame[logged], errors="coerce").mean())
        extra["logged"] = logged_mean
        detail += f"; the log's own {logged} says {logged_mean:.6g} per call"
    return _measured("cost per use", value, len(frame), "calls", window, detail=detail,
                     unit=currency, **extra)


def latency_percentiles(frame: pd.DataFrame, window: Window, *, column: str,
                        quantiles: Mapping[str, float] | None = None) -> dict[str, Measurement]:
    """Measure latency percentiles of the calls (linear interpolation, numpy's default).

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.analysis.sources import Window
    >>> log = pd.DataFrame({"ms": list(range(1, 101))})
    >>> w = Window("log", dt.date(2026, 11, 1), dt.date(2026, 11, 7), rows=100)
    >>> m = latency_percentiles(log, w, column="ms")
    >>> m["latency_p50"].value, m["latency_p95"].value, m["latency_p99"].value
    (50.5, 95.05, 99.01)
    """
    import numpy as np
    import pandas as pd

    _need(frame, column, what="latency percentiles")
    qs = quantiles or {"latency_p50": 0.5, "latency_p95": 0.95, "latency_p99": 0.99}
    values = pd.to_numeric(frame[column], errors="coerce").dropna().to_numpy(float)
    out = {}
    for name, q in qs.items():
        value = float(np.quantile(values, q)) if values.size else None
        out[name] = _measured(f"latency p{q * 100:g}", value, int(values.size),
                              "calls with a latency", window, unit="ms",
                              detail=f"{q:.0%} of {values.size:,} calls took at most this long")
    return out


def completeness(frame: pd.DataFrame, window: Window, *,
                 columns: Sequence[str]) -> Measurement:
    """Measure the share of the window's rows that have every one of ``columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.analysis.sources import Window
    >>> f = pd.DataFrame({"a": [1, None, 3, 4], "b": [1, 2, None, 4]})
    >>> w = Window("log", dt.date(2026, 11, 1), dt.date(2026, 11, 7), rows=4)
    >>> completeness(f, w, columns=["a", "b"]).value
    0.5
    """
    _need(frame, *columns, what="completeness")
    n = len(frame)
    full = int(frame[list(columns)].notna().all(axis=1).sum())
    return _measured("completeness", full / n if n else None, n, "rows", window,
                     detail=f"{full:,} of {n:,} rows have all of {', '.join(columns)}")


def new_labels(frame: pd.DataFrame, window: Window, *, label: str, positives: bool,
               positive: Any = None) -> Measurement:
    """Count the labels (or only the positives) in the window's rows, e.g. since a cut-off.

    The window is what the caller read: for the retrain rule, the days after the model's data
    cut-off up to the assessment date.

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.analysis.sources import Window
    >>> f = pd.DataFrame({"label": [1, 0, None, 1, 0]})
    >>> w = Window("log", dt.date(2026, 2, 9), dt.date(2026, 11, 22), rows=5)
    >>> new_labels(f, w, label="label", positives=True).value
    2.0
    >>> new_labels(f, w, label="label", positives=False).value
    4.0
    """
    _need(frame, label, what="new labels")
    known = frame[label].dropna()
    count = int(is_positive(known, positive).sum()) if positives else len(known)
    what = "positives" if positives else "labels"
    return _measured(f"new {what}", float(count), len(frame), "rows", window,
                     detail=f"{count:,} {what} among {len(known):,} labelled rows")
