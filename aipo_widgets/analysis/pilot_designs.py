"""Pilot effects analysed as the pilot was designed: whole clusters, before/after, switchbacks.

A pilot whose arms are whole groups (teams, stores, plants) or whole periods (days, shifts) has
far fewer independent units than rows: the rows of one group share its level and its shocks.
Treating them as independent (Welch's t over rows) gives intervals that are much too narrow.
Here the inference is at the level at which the arms were formed:

* :func:`cluster_robust_ols` -- ordinary least squares with **cluster-robust** (CR1)
  standard errors: the sandwich ``(X'X)⁻¹ (Σ_g X_g'u_g u_g'X_g) (X'X)⁻¹`` with the small-sample
  factor ``G/(G−1)·(n−1)/(n−p)``, as statsmodels' ``cov_type="cluster"`` computes it; it
  accepts many outcome columns at once (one model per column, the same design).
* :func:`cluster_effect` -- a cluster-randomised pilot (or a switchback, whose clusters are the
  periods): the difference of means from ``y ~ 1 + treated``, with t intervals on ``G − 1``
  degrees of freedom and a delta-method interval of the relative effect.
* :func:`did_effect` -- before/after with a control: the **difference in differences** from
  ``y ~ 1 + treated + post + treated·post``, clustered by the group the change was applied to;
  the relative effect is the difference over the counterfactual mean of the changed groups
  after the change (their mean before, moved by the control's change).

With **one cluster per arm** no inference is possible: anything that differs between the two
clusters (a plant's own shocks) is inseparable from the effect, and there is no variation
between clusters to estimate it from. The effect then carries its estimate but no interval
and no p-value, and ``inference`` is False; the gates warn and never pass on it.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> cluster = np.repeat(np.arange(40), 25)                 # 40 teams of 25 tickets
>>> treated = cluster % 2 == 1
>>> y = 10 + rng.normal(0, 2, 40)[cluster] + rng.normal(0, 3, 1000) - 2 * treated
>>> e = cluster_effect(y, treated, cluster, metric="minutes")
>>> round(e.difference, 2), e.clusters, e.inference
(-1.24, {'treatment': 20, 'control': 20}, True)
>>> bool(e.ci[0] < -2 < e.ci[1]), e.df          # 40 teams: t on 39 degrees of freedom
(True, 39.0)
>>> one = cluster_effect(y, cluster >= 20, np.where(cluster >= 20, "nord", "sued"))
>>> one.inference, one.ci
(False, (nan, nan))
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from aipo_widgets.analysis._checks import check_alpha
from aipo_widgets.analysis.pilot_effects import Effect
from aipo_widgets.errors import DataError

__all__ = [
    "cluster_effect",
    "cluster_robust_ols",
    "did_effect",
    "no_inference_note",
]


def cluster_robust_ols(y: Any, x: Any, groups: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """Fit OLS with cluster-robust (CR1) covariance; ``y`` may hold many outcomes as columns.

    Parameters
    ----------
    y : array-like, shape (n,) or (n, k)
        The outcome, or ``k`` outcomes fitted on the same design (e.g. repeated draws).
    x : array-like, shape (n, p)
        The design matrix (with its intercept column).
    groups : array-like, shape (n,)
        The cluster of each row.

    Returns
    -------
    beta : ndarray, shape (p,) or (p, k)
    cov : ndarray, shape (p, p) or (k, p, p)
        CR1: ``G/(G−1)·(n−1)/(n−p)`` times the sandwich (statsmodels' default correction).
    n_clusters : int

    Examples
    --------
    >>> x = np.c_[np.ones(6), [0, 0, 0, 1, 1, 1]]
    >>> beta, cov, g = cluster_robust_ols([1.0, 2, 3, 5, 6, 8], x, [0, 0, 1, 2, 3, 3])
    >>> beta.round(3).tolist(), g, bool(cov[1, 1] > 0)
    ([2.0, 4.333], 4, True)
    """
    yy = np.asarray(y, dtype=float)
    single = yy.ndim == 1
    ys = yy[:, None] if single else yy
    xs = np.asarray(x, dtype=float)
    n, p = xs.shape
    _, inv = np.unique(np.asarray(groups), return_inverse=True)
    g = int(inv.max()) + 1 if n else 0
    xtx_inv = np.linalg.pinv(xs.T @ xs)
    beta = xtx_inv @ (xs.T @ ys)  # (p, k)
    resid = ys - xs @ beta  # (n, k)
    # Each cluster's score, summed with one sparse-free pass per design column.
    scores = np.empty((g, p, ys.shape[1]))
    for j in range(p):
        contrib = xs[:, j : j + 1] * resid
        for k in range(ys.shape[1]):
            scores[:, j, k] = np.bincount(inv, weights=contrib[:, k], minlength=g)
    meat = np.einsum("gpk,gqk->kpq", scores, scores)
    factor = (g / (g - 1)) * ((n - 1) / (n - p)) if g > 1 and n > p else math.nan
    cov = factor * np.einsum("pq,kqr,rs->kps", xtx_inv, meat, xtx_inv)
    if single:
        return beta[:, 0], cov[0], g
    return beta, cov, g


def no_inference_note(clusters: dict[str, int], names: dict[str, list[str]], what: str) -> str:
    """Say why one cluster per arm allows no inference, naming the clusters.

    Examples
    --------
    >>> no_inference_note({"treatment": 1, "control": 1}, {"treatment": ["nord"],
    ...                   "control": ["sued"]}, "plant")[:58]
    'one plant per arm (nord against sued): no inference is pos'
    """
    t = ", ".join(names.get("treatment", [])[:3])
    c = ", ".join(names.get("control", [])[:3])
    few = min(clusters.values())
    return (
        f"{'one' if few == 1 else few} {what} per arm ({t} against {c}): no inference is "
        f"possible; anything else that differs between the {what}s (their own shocks, staff, "
        "season) cannot be told apart from the effect and there is no variation between "
        f"{what}s to estimate it from. The estimate is shown without an interval; to test "
        f"the effect, change and keep several {what}s each (at random where possible)"
    )


def _cluster_names(clusters: np.ndarray, treated: np.ndarray, what: str
                   ) -> tuple[dict[str, int], dict[str, list[str]]]:
    names = {"treatment": sorted(map(str, set(clusters[treated].tolist()))),
             "control": sorted(map(str, set(clusters[~treated].tolist())))}
    both = set(names["treatment"]) & set(names["control"])
    if both:
        shown = ", ".join(sorted(both)[:5])
        msg = (
            f"the {what}(s) {shown} have rows in both arms; in this design a whole {what} is "
            "in one arm: check the arm and cluster columns, or declare another design"
        )
        raise DataError(msg)
    return {k: len(v) for k, v in names.items()}, names


def _values(y: Any, name: str) -> np.ndarray:
    arr = np.asarray(y, dtype=float) if not hasattr(y, "to_numpy") else \
        np.asarray(y.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    if arr.ndim != 1:
        msg = f"{name} must be one column of values"
        raise DataError(msg)
    if not np.isfinite(arr).all():
        msg = f"{name} has {int((~np.isfinite(arr)).sum())} missing or infinite values"
        raise DataError(msg)
    return arr


def _linear(
    y: np.ndarray,
    x: np.ndarray,
    groups: np.ndarray,
    *,
    base: np.ndarray,
    contrast: np.ndarray,
    confidence: float,
    inference: bool,
) -> dict[str, Any]:
    """Estimate ``contrast·β`` and its relative ``contrast·β / base·β`` with t intervals."""
    from scipy import stats

    beta, cov, g = cluster_robust_ols(y, x, groups)
    diff = float(contrast @ beta)
    cf = float(base @ beta)
    out: dict[str, Any] = {"difference": diff, "counterfactual": cf, "n_clusters": g}
    if cf == 0:
        msg = "the control mean is 0, so there is no relative difference"
        raise DataError(msg)
    rel = diff / cf
    out["relative"] = rel
    nan2 = (math.nan, math.nan)
    if not inference or g < 3:
        out |= {"ci": nan2, "relative_ci": nan2, "p_value": math.nan, "t": math.nan,
                "df": math.nan, "se": math.nan}
        return out
    se = math.sqrt(max(float(contrast @ cov @ contrast), 0.0))
    grad = contrast / cf - diff * base / cf**2
    se_rel = math.sqrt(max(float(grad @ cov @ grad), 0.0))
    df = g - 1
    crit = float(stats.t.isf((1 - confidence) / 2, df))
    tstat = diff / se if se > 0 else math.copysign(math.inf, diff) if diff else 0.0
    p = float(2 * stats.t.sf(abs(tstat), df)) if se > 0 else (0.0 if diff else 1.0)
    out |= {"ci": (diff - crit * se, diff + crit * se),
            "relative_ci": (rel - crit * se_rel, rel + crit * se_rel),
            "p_value": p, "t": tstat, "df": float(df), "se": se}
    return out


def _few_clusters_note(clusters: dict[str, int], what: str) -> list[str]:
    few = min(clusters.values())
    if 2 <= few < 10:
        return [f"only {few} {what}s in the smaller arm: cluster-robust intervals are rough "
                f"with so few {what}s (they tend to be too narrow below about 20 in all)"]
    return []


def cluster_effect(
    y: Any,
    treated: Any,
    clusters: Any,
    *,
    metric: str = "metric",
    alpha: float = 0.05,
    what: str = "cluster",
    design: str = "cluster-randomised",
) -> Effect:
    """Estimate the effect of a cluster-randomised pilot (or a switchback: periods as clusters).

    Parameters
    ----------
    y : array-like
        The metric per row (unit).
    treated : array-like of bool
        Whether the row's cluster was in the pilot arm.
    clusters : array-like
        The cluster of each row (a whole cluster is in one arm).
    metric : str
        The metric's name.
    alpha : float, default 0.05
        1 − confidence level.
    what : str, default "cluster"
        What a cluster is (team, plant, period), for the notes.
    design : str
        The design's name, for the report.

    Returns
    -------
    Effect
        ``difference`` and ``relative`` with CR1 intervals on ``G − 1`` degrees of freedom;
        ``inference`` False (and no interval) with one cluster per arm.

    Raises
    ------
    DataError
        Missing values, a cluster in both arms, an arm without rows.
    """
    confidence = 1 - check_alpha(alpha)
    yv = _values(y, metric)
    t = np.asarray(treated, dtype=bool)
    cl = np.asarray(clusters).astype(str)
    if t.all() or not t.any():
        msg = f"{metric!r}: the pilot needs rows in both arms"
        raise DataError(msg)
    counts, names = _cluster_names(cl, t, what)
    inference = min(counts.values()) >= 2
    x = np.c_[np.ones(len(yv)), t.astype(float)]
    res = _linear(yv, x, cl, base=np.array([1.0, 0.0]), contrast=np.array([0.0, 1.0]),
                  confidence=confidence, inference=inference)
    notes = [] if inference else [no_inference_note(counts, names, what)]
    notes += _few_clusters_note(counts, what) if inference else []
    return Effect(
        metric=metric, design=design, n_treatment=int(t.sum()), n_control=int((~t).sum()),
        mean_treatment=float(yv[t].mean()), mean_control=float(yv[~t].mean()),
        sd_treatment=float(yv[t].std(ddof=1)) if t.sum() > 1 else math.nan,
        sd_control=float(yv[~t].std(ddof=1)) if (~t).sum() > 1 else math.nan,
        difference=res["difference"], ci=res["ci"], p_value=res["p_value"], t=res["t"],
        df=res["df"], relative=res["relative"], relative_ci=res["relative_ci"],
        confidence=confidence, notes=notes, inference=inference, clusters=counts,
        method=(f"OLS of {metric} on the arm, cluster-robust (CR1) standard errors by {what}, "
                f"t on {what}s − 1 degrees of freedom"),
    )


def did_effect(
    y: Any,
    treated: Any,
    post: Any,
    clusters: Any,
    *,
    metric: str = "metric",
    alpha: float = 0.05,
    what: str = "group",
) -> Effect:
    """Estimate the difference in differences of a before/after pilot with a control.

    Parameters
    ----------
    y : array-like
        The metric per row (e.g. per machine and month).
    treated : array-like of bool
        Whether the row's group got the change (in both periods).
    post : array-like of bool
        Whether the row is from after the change.
    clusters : array-like
        The group the change was applied to as a whole (plant, store): inference is at its
        level.
    metric, alpha, what : see :func:`cluster_effect`

    Returns
    -------
    Effect
        ``difference`` is the difference in differences (``b₃`` of
        ``y ~ 1 + treated + post + treated·post``); ``mean_treatment`` the changed groups' mean
        after the change, ``mean_control`` its counterfactual (their mean before plus the
        control's change); ``relative`` their ratio − 1. CR1 intervals clustered by group,
        none with one group per arm.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> group = np.repeat(np.arange(30), 8)            # 30 stores, 8 months each
    >>> treated, post = group < 15, np.tile(np.arange(8) >= 4, 30)
    >>> y = (50 + rng.normal(0, 5, 30)[group] + 3 * post - 6 * (treated & post)
    ...      + rng.normal(0, 2, 240))
    >>> e = did_effect(y, treated, post, group, what="store")
    >>> round(e.difference, 1), e.inference, e.ci[1] < 0
    (-6.2, True, True)
    """
    confidence = 1 - check_alpha(alpha)
    yv = _values(y, metric)
    t = np.asarray(treated, dtype=bool)
    a = np.asarray(post, dtype=bool)
    cl = np.asarray(clusters).astype(str)
    for arm, mask in (("changed", t), ("control", ~t)):
        for period, pm in (("before", ~a), ("after", a)):
            if not (mask & pm).any():
                msg = (
                    f"{metric!r}: the {arm} groups have no rows {period} the change; a "
                    "difference in differences needs both groups before and after"
                )
                raise DataError(msg)
    counts, names = _cluster_names(cl, t, what)
    inference = min(counts.values()) >= 2
    x = np.c_[np.ones(len(yv)), t, a, t & a].astype(float)
    res = _linear(yv, x, cl, base=np.array([1.0, 1.0, 1.0, 0.0]),
                  contrast=np.array([0.0, 0.0, 0.0, 1.0]), confidence=confidence,
                  inference=inference)
    ta = yv[t & a]
    cf = res["counterfactual"]
    notes = [] if inference else [no_inference_note(counts, names, what)]
    notes += _few_clusters_note(counts, what) if inference else []
    notes.append(
        "not randomised: the difference in differences assumes the changed and the control "
        f"{what}s would have moved in parallel without the change; check their trends before it"
    )
    return Effect(
        metric=metric, design="difference in differences",
        n_treatment=int(t.sum()), n_control=int((~t).sum()),
        mean_treatment=float(ta.mean()), mean_control=cf,
        sd_treatment=float(ta.std(ddof=1)) if len(ta) > 1 else math.nan,
        sd_control=float(yv[~t & a].std(ddof=1)) if (~t & a).sum() > 1 else math.nan,
        difference=res["difference"], ci=res["ci"], p_value=res["p_value"], t=res["t"],
        df=res["df"], relative=res["relative"], relative_ci=res["relative_ci"],
        confidence=confidence, notes=notes, inference=inference, clusters=counts,
        method=(f"difference in differences: OLS of {metric} on group, period and their "
                f"interaction, cluster-robust (CR1) standard errors by {what}, t on "
                f"{what}s − 1 degrees of freedom"),
        cells={"treatment_before": float(yv[t & ~a].mean()), "treatment_after": float(ta.mean()),
               "control_before": float(yv[~t & ~a].mean()),
               "control_after": float(yv[~t & a].mean())},
    )
