"""The gold-set metrics the kit computes, the other names people use for them, and choosing some.

:mod:`aipo_widgets.analysis.evaluation` computes them over a whole gold set and
:mod:`aipo_widgets.analysis.fairness` per group; both take the names listed here (or an alias
from :data:`METRIC_ALIASES`) and check a request with :func:`choose`.

Review labels of generative output have one metric per label, the share of rows with it,
named ``label_share:<label>`` (:data:`SHARE_PREFIX`); ``<label>_rate`` resolves to it.

Examples
--------
>>> METRIC_ALIASES["tpr"], "roc_auc" in SCORE_METRICS
('recall', True)
>>> choose(["sensitivity", "f1", "recall"], CLASSIFICATION_METRICS, COUNT_METRICS,
...        "classification")
['recall', 'f1']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aipo_widgets.errors import UsageError

__all__ = [
    "CLASSIFICATION_METRICS",
    "COUNT_METRICS",
    "METRIC_ALIASES",
    "REGRESSION_METRICS",
    "SCORE_METRICS",
    "SHARE_PREFIX",
    "choose",
]

#: Classification metrics computed from the confusion counts at the threshold.
COUNT_METRICS: tuple[str, ...] = (
    "precision",
    "recall",
    "f1",
    "accuracy",
    "specificity",
    "balanced_accuracy",
    "false_positive_rate",
    "false_negative_rate",
    "selection_rate",
    "prevalence",
)
#: Classification metrics that need the scores (not only a hard prediction).
SCORE_METRICS: tuple[str, ...] = ("roc_auc", "pr_auc", "brier")
CLASSIFICATION_METRICS: tuple[str, ...] = COUNT_METRICS + SCORE_METRICS
REGRESSION_METRICS: tuple[str, ...] = ("mae", "rmse", "mape", "bias")
#: Other names people use for the same metrics.
METRIC_ALIASES: dict[str, str] = {
    "sensitivity": "recall",
    "tpr": "recall",
    "true_positive_rate": "recall",
    "tnr": "specificity",
    "true_negative_rate": "specificity",
    "fpr": "false_positive_rate",
    "fnr": "false_negative_rate",
    "f1_score": "f1",
    "auc": "roc_auc",
    "average_precision": "pr_auc",
    "brier_score": "brier",
}
#: How the share of a review label is named: ``label_share:hallucination``.
SHARE_PREFIX = "label_share:"


def choose(
    metrics: Iterable[str] | None, allowed: Sequence[str], default: Sequence[str], task: str
) -> list[str]:
    """Return the canonical names of the metrics asked for, each once, in the order asked.

    Parameters
    ----------
    metrics : str, iterable of str or None
        The names asked for (aliases allowed); None asks for ``default``.
    allowed : sequence of str
        The metrics that can be computed from the inputs at hand.
    default : sequence of str
        What None stands for.
    task : str
        The task's name, for the message.

    Returns
    -------
    list of str

    Raises
    ------
    UsageError
        A name that is not allowed (the message lists those that are), or an empty list.

    Examples
    --------
    >>> choose("auc", CLASSIFICATION_METRICS, COUNT_METRICS, "classification")
    ['roc_auc']
    """
    if metrics is None:
        return list(default)
    if isinstance(metrics, str):
        metrics = [metrics]
    out = []
    for m in metrics:
        canon = METRIC_ALIASES.get(m, m)
        if canon not in allowed:
            msg = (
                f"metric {m!r} is not a {task} metric that can be computed here; "
                f"choose from {', '.join(allowed)}"
            )
            raise UsageError(msg)
        if canon not in out:
            out.append(canon)
    if not out:
        msg = "metrics is empty; name at least one metric, or pass metrics=None for all"
        raise UsageError(msg)
    return out
