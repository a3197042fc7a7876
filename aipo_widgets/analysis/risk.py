"""The risk register: 5x5 likelihood x impact ratings, bands, expected loss and its warnings.

Each risk of the workspace (:class:`aipo_widgets.model.schema.Risk`) is rated twice, *inherent*
(before mitigation) and *residual* (after), on ordinal 1-5 scales:

=====  ==============  ==============
score  likelihood      impact
=====  ==============  ==============
1      Rare            Insignificant
2      Unlikely        Minor
3      Possible        Moderate
4      Likely          Major
5      Almost certain  Catastrophic
=====  ==============  ==============

The *score* is ``likelihood * impact`` (1..25; only 14 values can occur).  A **band map** (one
band per cell, rows = likelihood, columns = impact) turns a cell into ``low``, ``medium``,
``high`` or ``critical``.  The default bands the score: low 1-4, medium 5-9, high 10-16,
critical 20-25 (a common convention, not a standard: organisations use their own, which is why
the map is configurable in ``settings.risk_bands``).

Risk matrices are coarse (Cox 2008, "What's wrong with risk matrices?", *Risk Analysis*
28(2)): quantitatively very different risks share a cell (*range compression*), and a badly
coloured map can rank a smaller risk above a larger one.  The register therefore

* validates a user's band map against Cox's consistency rules (:func:`check_band_map`):
  **weak consistency** (every high or critical cell scores more than every low cell; the
  product score stands in for the quantitative risk, which assumes equally spaced anchors
  behind the labels), **monotonicity** (a band never falls when likelihood or impact rises)
  and **betweenness** (cells next to each other differ by at most one band, so a small change
  cannot jump from low to high);
* computes an **expected loss** per year from optional numeric anchors
  (``probability_per_year * impact_eur``) and uses it to break ties in the ranking;
* flags **range compression**: open risks in one cell whose expected losses differ 10x or
  more;
* flags **overdue reviews** against an as-of date.

Ranking (1 = most urgent, open risks only): residual band, then residual score, then residual
expected loss (a risk without anchors after one with them), then inherent score, then id.

Examples
--------
>>> from aipo_widgets.model.schema import Risk
>>> import datetime as dt
>>> reg = Register([
...     Risk(id="R1", title="PII in summaries", category="data", likelihood=4, impact=4,
...          residual_likelihood=2, residual_impact=4, probability_per_year=0.3,
...          impact_eur=200_000, residual_probability_per_year=0.05),
...     Risk(id="R2", title="Vendor outage", category="third_party", likelihood=2, impact=4,
...          probability_per_year=0.5, impact_eur=2_000, review_date=dt.date(2026, 1, 31)),
... ], as_of=dt.date(2026, 3, 1))
>>> [(r.id, r.residual.score, r.residual.band, r.residual.expected_loss) for r in reg.ranked()]
[('R1', 8, 'medium', 10000.0), ('R2', 8, 'medium', 1000.0)]
>>> reg.result("R2").overdue, reg.result("R2").days_overdue
(True, 29)
>>> [(f.cell, f.ids, round(f.ratio)) for f in reg.range_compression()]
[((2, 4), ['R1', 'R2'], 10)]
>>> reg.matrix("residual")[1]
[0, 0, 0, 2, 0]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from aipo_widgets.errors import Problem, UsageError, WorkspaceError
from aipo_widgets.figures import mimebundle
from aipo_widgets.figures.risk_matrix import risk_matrix_alt, risk_matrix_svg
from aipo_widgets.model import schema as spec
from aipo_widgets.model.risk_bands import BANDS, check_band_map, default_band_map

__all__ = [
    "IMPACT_LABELS",
    "LIKELIHOOD_LABELS",
    "BandMap",
    "CompressionFlag",
    "Rating",
    "Register",
    "RiskResult",
]

_BAND_RANK: dict[str, int] = {b: i for i, b in enumerate(BANDS)}
LIKELIHOOD_LABELS = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACT_LABELS = ("Insignificant", "Minor", "Moderate", "Major", "Catastrophic")
#: Ratio of expected losses within one cell from which range compression is flagged.
COMPRESSION_RATIO = 10.0


class BandMap:
    """A validated 5x5 band map.

    Parameters
    ----------
    cells : 5x5 sequence of str, optional
        Rows = likelihood 1..5, columns = impact 1..5.  Default: :func:`default_band_map`.
    where : str
        Where the map comes from, for error paths.

    Raises
    ------
    WorkspaceError
        With every problem :func:`check_band_map` finds.

    Examples
    --------
    >>> BandMap().band(4, 5), BandMap().band(1, 4)
    ('critical', 'low')
    """

    def __init__(self, cells: Sequence[Sequence[str]] | None = None,
                 where: str = "settings.risk_bands"):
        self.is_default = cells is None
        cells = default_band_map() if cells is None else cells
        problems = check_band_map(cells, where)
        if problems:
            raise WorkspaceError(problems)
        self.cells: list[list[str]] = [list(r) for r in cells]

    @classmethod
    def from_settings(cls, settings: spec.Settings | None) -> BandMap:
        """Return the workspace's band map, or the default one where it sets none."""
        if settings is None or settings.risk_bands is None:
            return cls()
        return cls(settings.risk_bands)

    def band(self, likelihood: int, impact: int) -> str:
        """Return the band of a cell (both ratings 1..5)."""
        for name, v in (("likelihood", likelihood), ("impact", impact)):
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
                raise UsageError([Problem(f"{name} must be an integer from 1 to 5, got {v!r}",
                                          code="bad_argument")])
        return self.cells[likelihood - 1][impact - 1]

    def to_list(self) -> list[list[str]]:
        """Return the cells as a list of lists (what ``settings.risk_bands`` holds)."""
        return [list(r) for r in self.cells]


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Rating:
    """One rating of a risk (inherent or residual).

    Attributes
    ----------
    likelihood, impact : int
        1..5.
    likelihood_label, impact_label : str
        Their words.
    score : int
        likelihood x impact.
    band : str
        From the band map.
    probability_per_year, impact_eur : float or None
        The numeric anchors used.
    expected_loss : float or None
        ``probability_per_year * impact_eur`` (money per year), where both anchors are known.
    note : str
        Where a figure comes from when it is not rated directly.
    """

    likelihood: int
    impact: int
    likelihood_label: str
    impact_label: str
    score: int
    band: str
    probability_per_year: float | None
    impact_eur: float | None
    expected_loss: float | None
    note: str = ""


@dataclass
class RiskResult:
    """A risk of the register with its ratings, rank and flags.

    Attributes
    ----------
    id, title, category, treatment, owner, status : str
        From the workspace.
    harm : list of str
        Harm dimensions.
    inherent, residual : Rating
        Before and after mitigation (residual = inherent where not rated).
    rank : int or None
        1 = most urgent; None for closed risks.
    tie_broken_by : str
        ``"expected_loss"`` when another open risk has the same band and score and the
        expected loss ordered them; ``""`` otherwise.
    review_date : date or None
        When it is due for review.
    overdue : bool
        Review date before the as-of date, and not closed.
    days_overdue : int
        How many days.
    range_compression : bool
        Shares a cell with a risk whose expected loss differs 10x or more.
    notes : list of str
        Other findings (no residual rating, residual worse than inherent, ...).
    """

    id: str
    title: str
    category: str
    harm: list[str]
    treatment: str
    owner: str
    status: str
    inherent: Rating
    residual: Rating
    rank: int | None = None
    tie_broken_by: str = ""
    review_date: dt.date | None = None
    overdue: bool = False
    days_overdue: int = 0
    range_compression: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the result as a JSON-ready dict (dates as ISO strings)."""
        d = asdict(self)
        d["review_date"] = self.review_date.isoformat() if self.review_date else None
        return d


@dataclass
class CompressionFlag:
    """Open risks that share a cell although their expected losses differ 10x or more.

    Attributes
    ----------
    which : {"inherent", "residual"}
        The rating compared.
    cell : tuple of int
        (likelihood, impact).
    ids : list of str
        The risks in the cell that have an expected loss, largest loss first.
    min_loss, max_loss : float
        The smallest and largest expected loss among them.
    ratio : float
        ``max_loss / min_loss`` (inf when the smallest is 0).
    """

    which: str
    cell: tuple[int, int]
    ids: list[str]
    min_loss: float
    max_loss: float
    ratio: float

    @property
    def message(self) -> str:
        """The finding in a sentence."""
        return (
            f"{', '.join(self.ids)} share the {self.which} cell L{self.cell[0]} x I{self.cell[1]}"
            f" but their expected losses differ {self.ratio:.0f}x ({self.min_loss:,.0f} to "
            f"{self.max_loss:,.0f} a year): rank them by expected loss, not by the cell"
        )

    def to_dict(self) -> dict:
        """Return the flag as a JSON-ready dict."""
        d = asdict(self)
        d["cell"] = list(self.cell)
        d["ratio"] = None if self.ratio == float("inf") else self.ratio
        d["message"] = self.message
        return d


class Register:
    """The risk register with ratings, ranking, matrix and flags, computed on construction.

    Parameters
    ----------
    risks : iterable of aipo_widgets.model.schema.Risk or dict
        The ``risks`` section of the workspace.
    band_map : BandMap, 5x5 list or None
        Default: :func:`default_band_map`.
    as_of : date, optional
        Date the reviews are checked against.  Default: today (recorded in the result; pass
        the workspace's ``compliance.as_of`` for reproducible runs).

    Raises
    ------
    WorkspaceError
        If a risk does not validate, ids repeat, or the band map breaks a rule.

    Examples
    --------
    >>> reg = Register([{"id": "R1", "title": "t", "category": "model", "likelihood": 5,
    ...                  "impact": 5}], as_of=dt.date(2026, 1, 1))
    >>> reg.result("R1").residual.band
    'critical'
    >>> reg.result("R1").notes
    ['no residual rating: the inherent rating is used', 'no review date', 'no owner']
    """

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        # A picture wherever it is displayed (notebook, nbconvert HTML, Voila), without widgets.
        view = self.to_view()
        return mimebundle(risk_matrix_svg(view), alt=risk_matrix_alt(view))

    def __init__(
        self,
        risks: Iterable[spec.Risk | dict],
        band_map: BandMap | Sequence[Sequence[str]] | None = None,
        as_of: dt.date | None = None,
    ):
        self.band_map = band_map if isinstance(band_map, BandMap) else BandMap(band_map)
        self.as_of = as_of or dt.date.today()
        if not isinstance(self.as_of, dt.date):
            raise UsageError([Problem(f"as_of must be a date, got {as_of!r}",
                                      code="bad_argument")])
        self.risks: list[spec.Risk] = []
        problems: list[Problem] = []
        for i, r in enumerate(risks):
            if isinstance(r, spec.Risk):
                self.risks.append(r)
                continue
            try:
                self.risks.append(spec.Risk.model_validate(r))
            except Exception as exc:  # pydantic.ValidationError
                problems.append(Problem(str(exc), path=f"risks[{i}]", code="invalid"))
        seen: dict[str, int] = {}
        for i, r in enumerate(self.risks):
            if r.id in seen:
                problems.append(Problem(f"duplicate risk id '{r.id}'", path=f"risks[{i}].id",
                                        fix="give each risk its own id", code="duplicate"))
            seen[r.id] = i
        if problems:
            raise WorkspaceError(problems)
        self.results: list[RiskResult] = [self._assess(r) for r in self.risks]
        self._flags = self._compression()
        self._rank()

    @classmethod
    def from_workspace(cls, ws: spec.Workspace, as_of: dt.date | None = None) -> Register:
        """Build the register of a workspace with its band map and ``compliance.as_of``."""
        return cls(ws.risks, BandMap.from_settings(ws.settings), as_of or ws.compliance.as_of)

    # -- assessment -----------------------------------------------------------------------------

    def _rating(self, li: int, im: int, p: float | None, eur: float | None, note: str = ""
                ) -> Rating:
        el = p * eur if p is not None and eur is not None else None
        return Rating(li, im, LIKELIHOOD_LABELS[li - 1], IMPACT_LABELS[im - 1], li * im,
                      self.band_map.band(li, im), p, eur, el, note)

    def _assess(self, r: spec.Risk) -> RiskResult:
        notes: list[str] = []
        inherent = self._rating(r.likelihood, r.impact, r.probability_per_year, r.impact_eur)
        rl = r.residual_likelihood if r.residual_likelihood is not None else r.likelihood
        ri = r.residual_impact if r.residual_impact is not None else r.impact
        if r.residual_likelihood is None and r.residual_impact is None:
            notes.append("no residual rating: the inherent rating is used")
        # A residual anchor falls back to the inherent one only where the matching ordinal
        # rating did not change; otherwise the inherent figure would misstate the residual.
        rp, anchor_note = r.residual_probability_per_year, []
        if rp is None and r.probability_per_year is not None:
            if rl == r.likelihood:
                rp = r.probability_per_year
            else:
                anchor_note.append("residual probability not given")
        reur = r.residual_impact_eur
        if reur is None and r.impact_eur is not None:
            if ri == r.impact:
                reur = r.impact_eur
            else:
                anchor_note.append("residual impact in EUR not given")
        residual = self._rating(rl, ri, rp, reur, "; ".join(anchor_note))
        if residual.score > inherent.score:
            notes.append(
                f"residual score {residual.score} is above the inherent {inherent.score}: check "
                "the ratings (mitigation should not raise a risk)"
            )
        if (
            inherent.expected_loss is not None and residual.expected_loss is not None
            and residual.expected_loss > inherent.expected_loss
        ):
            notes.append("residual expected loss is above the inherent one")
        if r.treatment == "accept" and _BAND_RANK[residual.band] >= 2 and r.status != "closed":
            notes.append(f"a {residual.band} residual risk is accepted: this needs a documented "
                         "sign-off by someone entitled to accept it")
        if r.status != "closed" and r.review_date is None:
            notes.append("no review date")
        if r.status != "closed" and not r.owner:
            notes.append("no owner")
        overdue = r.status != "closed" and r.review_date is not None and r.review_date < self.as_of
        days = (self.as_of - r.review_date).days if overdue else 0  # type: ignore[operator]
        return RiskResult(
            id=r.id, title=r.title, category=r.category, harm=list(r.harm),
            treatment=r.treatment, owner=r.owner, status=r.status, inherent=inherent,
            residual=residual, review_date=r.review_date, overdue=overdue, days_overdue=days,
            notes=notes,
        )

    def _compression(self) -> list[CompressionFlag]:
        flags: list[CompressionFlag] = []
        for which in ("inherent", "residual"):
            cells: dict[tuple[int, int], list[RiskResult]] = {}
            for res in self.results:
                if res.status == "closed":
                    continue
                rating: Rating = getattr(res, which)
                if rating.expected_loss is not None:
                    cells.setdefault((rating.likelihood, rating.impact), []).append(res)
            for cell, group in sorted(cells.items()):
                if len(group) < 2:
                    continue
                losses = [getattr(g, which).expected_loss for g in group]
                lo, hi = min(losses), max(losses)
                ratio = float("inf") if lo == 0 and hi > 0 else (hi / lo if lo else 1.0)
                if ratio >= COMPRESSION_RATIO:
                    group = sorted(group, key=lambda g: -getattr(g, which).expected_loss)
                    flags.append(CompressionFlag(which, cell, [g.id for g in group], lo, hi,
                                                 ratio))
                    for g in group:
                        g.range_compression = True
        return flags

    def _rank(self) -> None:
        open_ = [r for r in self.results if r.status != "closed"]

        def key(r: RiskResult):
            el = r.residual.expected_loss
            return (-_BAND_RANK[r.residual.band], -r.residual.score, el is None, -(el or 0.0),
                    -r.inherent.score, r.id)

        open_.sort(key=key)
        for i, r in enumerate(open_, 1):
            r.rank = i
        groups: dict[tuple[str, int], list[RiskResult]] = {}
        for r in open_:
            groups.setdefault((r.residual.band, r.residual.score), []).append(r)
        for group in groups.values():
            losses = {r.residual.expected_loss for r in group}
            if len(group) > 1 and len(losses) > 1:
                for r in group:
                    r.tie_broken_by = "expected_loss"

    # -- queries --------------------------------------------------------------------------------

    def result(self, risk_id: str) -> RiskResult:
        """Return one risk's result (UsageError with a suggestion if there is none)."""
        for r in self.results:
            if r.id == risk_id:
                return r
        import difflib

        close = difflib.get_close_matches(risk_id, [r.id for r in self.results], n=1)
        raise UsageError([Problem(f"there is no risk '{risk_id}'",
                                  fix=f"did you mean '{close[0]}'?" if close else "",
                                  code="unknown_reference")])

    def ranked(self, include_closed: bool = False) -> list[RiskResult]:
        """Return the open risks by rank (closed ones last, if asked for)."""
        out = sorted((r for r in self.results if r.rank is not None), key=lambda r: r.rank or 0)
        if include_closed:
            out += [r for r in self.results if r.rank is None]
        return out

    def matrix(self, which: Literal["inherent", "residual"] = "residual",
               include_closed: bool = False) -> list[list[int]]:
        """Return the number of risks per cell.

        Parameters
        ----------
        which : {"inherent", "residual"}
            The rating counted.
        include_closed : bool, default False
            Count closed risks too.

        Returns
        -------
        list of list of int
            ``m[l-1][i-1]`` is the count at likelihood ``l`` and impact ``i`` (row 0 is
            "Rare"; a renderer draws it at the bottom).
        """
        self._check_which(which)
        m = [[0] * 5 for _ in range(5)]
        for r in self.results:
            if r.status == "closed" and not include_closed:
                continue
            rating: Rating = getattr(r, which)
            m[rating.likelihood - 1][rating.impact - 1] += 1
        return m

    def cell_ids(self, which: Literal["inherent", "residual"] = "residual",
                 include_closed: bool = False) -> dict[tuple[int, int], list[str]]:
        """Return the ids of the risks in each occupied cell, keyed by (likelihood, impact)."""
        self._check_which(which)
        out: dict[tuple[int, int], list[str]] = {}
        for r in self.ranked(include_closed):
            rating: Rating = getattr(r, which)
            out.setdefault((rating.likelihood, rating.impact), []).append(r.id)
        return out

    def matrix_frame(self, which: Literal["inherent", "residual"] = "residual"):
        """Return the counts as a DataFrame: likelihood labels (5 on top) x impact labels."""
        import pandas as pd

        m = self.matrix(which)
        return pd.DataFrame(
            [m[li] for li in range(4, -1, -1)],
            index=pd.Index([LIKELIHOOD_LABELS[li] for li in range(4, -1, -1)], name="likelihood"),
            columns=pd.Index(list(IMPACT_LABELS), name="impact"),
        )

    @staticmethod
    def _check_which(which: str) -> None:
        if which not in ("inherent", "residual"):
            raise UsageError([Problem(f"which must be 'inherent' or 'residual', got {which!r}",
                                      code="bad_argument")])

    def overdue(self) -> list[RiskResult]:
        """Return the open risks whose review date has passed, longest overdue first."""
        return sorted((r for r in self.results if r.overdue), key=lambda r: -r.days_overdue)

    def range_compression(self) -> list[CompressionFlag]:
        """Return the range-compression findings (inherent ones first, then residual)."""
        return list(self._flags)

    def band_counts(self, which: Literal["inherent", "residual"] = "residual") -> dict[str, int]:
        """Return how many open risks are in each band."""
        self._check_which(which)
        out: dict[str, int] = dict.fromkeys(BANDS, 0)
        for r in self.results:
            if r.status != "closed":
                out[getattr(r, which).band] += 1
        return out

    def warnings(self) -> list[Problem]:
        """Return every finding as a problem: overdue reviews, compression, rating notes."""
        index = {r.id: i for i, r in enumerate(self.risks)}
        out = [
            Problem(f"review of '{r.id}' is {r.days_overdue} days overdue (due "
                    f"{r.review_date})", path=f"risks[{index[r.id]}].review_date",
                    fix="review the risk and set the next review date", code="review_overdue")
            for r in self.overdue()
        ]
        out += [Problem(f.message, path="risks", code="range_compression") for f in self._flags]
        for r in self.results:
            for n in r.notes:
                out.append(Problem(f"'{r.id}': {n}", path=f"risks[{index[r.id]}]",
                                   code="risk_note"))
        return out

    def to_frame(self):
        """Return one row per risk (rank order, closed last) with ratings, losses and flags."""
        import pandas as pd

        rows = []
        for r in self.ranked(include_closed=True):
            row: dict[str, Any] = {
                "rank": r.rank, "id": r.id, "title": r.title, "category": r.category,
                "status": r.status, "treatment": r.treatment, "owner": r.owner}
            for which in ("inherent", "residual"):
                rt: Rating = getattr(r, which)
                row |= {f"{which}_likelihood": rt.likelihood, f"{which}_impact": rt.impact,
                        f"{which}_score": rt.score, f"{which}_band": rt.band,
                        f"{which}_expected_loss": rt.expected_loss}
            row |= {"review_date": r.review_date, "overdue": r.overdue,
                    "range_compression": r.range_compression, "notes": "; ".join(r.notes)}
            rows.append(row)
        return pd.DataFrame(rows)

    def to_spec(self) -> list[spec.Risk]:
        """Return the workspace models the register was built from."""
        return list(self.risks)

    def to_dict(self) -> dict:
        """Return the register as a JSON-ready dict."""
        return {
            "as_of": self.as_of.isoformat(),
            "band_map": self.band_map.to_list(),
            "band_map_is_default": self.band_map.is_default,
            "ranking_rule": "residual band, residual score, residual expected loss, inherent "
            "score, id",
            "risks": [r.to_dict() for r in self.ranked(include_closed=True)],
            "matrix": {"inherent": self.matrix("inherent"), "residual": self.matrix("residual")},
            "band_counts": self.band_counts(),
            "range_compression": [f.to_dict() for f in self._flags],
            "warnings": [w.to_dict() for w in self.warnings()],
        }

    def to_view(self) -> dict:
        """Return the register as plain data for the widget and the picture.

        Returns
        -------
        dict
            ``risks`` (workspace order; each with its rank, both ratings, flags and the details a
            person edits), ``band_map``, axis labels, ``categories``, ``band_counts``,
            ``flags`` (range compression, in words), ``overdue`` and ``as_of``; what
            :func:`aipo_widgets.figures.risk_matrix_svg` draws.

        Examples
        --------
        >>> reg = Register([{"id": "R1", "title": "t", "category": "model", "likelihood": 3,
        ...                  "impact": 4}], as_of=dt.date(2026, 11, 1))
        >>> view = reg.to_view()
        >>> view["risks"][0]["residual"]["band"], view["band_map"][2][3]
        ('high', 'high')
        """
        by_id = {r.id: r for r in self.risks}
        risks = []
        # Workspace order, not rank order: an edit then changes a few entries, not the list's
        # order (the widget receives changes as patches). ``rank`` says the order of urgency.
        for res in self.results:
            model = by_id[res.id]
            risks.append({
                "id": res.id, "title": res.title, "category": res.category, "harm": res.harm,
                "treatment": res.treatment, "owner": res.owner, "status": res.status,
                "mitigation": model.mitigation,
                "review_date": res.review_date.isoformat() if res.review_date else None,
                "rank": res.rank, "overdue": res.overdue, "days_overdue": res.days_overdue,
                "range_compression": res.range_compression, "tie_broken_by": res.tie_broken_by,
                "notes": list(res.notes), "articles": list(model.articles),
                "residual_rated": (model.residual_likelihood is not None
                                   or model.residual_impact is not None),
                "inherent": _rating_view(res.inherent), "residual": _rating_view(res.residual),
            })
        return {
            "as_of": self.as_of.isoformat(),
            "band_map": self.band_map.to_list(),
            "bands": list(BANDS),
            "likelihood_labels": list(LIKELIHOOD_LABELS),
            "impact_labels": list(IMPACT_LABELS),
            "categories": sorted({r["category"] for r in risks}),
            "risks": risks,
            "band_counts": {"inherent": self.band_counts("inherent"),
                            "residual": self.band_counts("residual")},
            "flags": [f.message for f in self.range_compression()],
            "overdue": [r.id for r in self.overdue()],
            "treatments": [t.value for t in spec.Treatment],
            "statuses": ["open", "mitigating", "accepted", "closed"],
        }


def _rating_view(r: Rating) -> dict:
    # The words of the ratings are in the view once (likelihood_labels, impact_labels).
    return {
        "likelihood": r.likelihood, "impact": r.impact, "score": r.score, "band": r.band,
        "expected_loss": r.expected_loss, "probability_per_year": r.probability_per_year,
        "impact_eur": r.impact_eur, "note": r.note,
    }
