"""What every phase notebook does: open the workspace, read its data, collect gates, record.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "blank"
>>> _ = write_example("blank", folder)
>>> phase = Phase.open(folder, as_of="2026-12-01")
>>> phase.headline
'My AI product (owner Your Name), phase discovery, as of 2026-12-01'
>>> added = phase.add(Gate("my own check", "warn", detail="why"))
>>> [(g.name, g.verdict) for g in phase.gates]
[('my own check', 'warn')]
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from aipo_widgets.analysis import measure
from aipo_widgets.analysis.business_case import BusinessCaseResult, analyse
from aipo_widgets.evidence import Gate
from aipo_widgets.figures import mimebundle, npv_alt, npv_svg
from aipo_widgets.figures.table import table_html, with_units
from aipo_widgets.model import cache as caching
from aipo_widgets.model.workspace import WorkspaceFile, find, load
from aipo_widgets.runs.results import record

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource, Workspace

__all__ = ["DRAWS", "Phase", "Picture", "scenarios", "show", "use_kit_tables"]

P = TypeVar("P", bound="Phase")

# Monte Carlo draws of the business case per phase: discovery and experiments decide on it,
# operation only compares the realised value with it.
DRAWS = {"discovery": 5000, "experiments": 5000, "operate": 2000}


def show(value: Any) -> None:
    """Display a value in the notebook, before the cell's own result."""
    from IPython.display import display

    display(value)


@dataclass(frozen=True)
class Picture:
    """A static picture (SVG) with its text alternative, displayed as an image.

    The same ``<img>`` in JupyterLab (trusted or not), in the phase's HTML report and on
    GitHub: the figures of :mod:`aipo_widgets.figures`, never a widget.

    Examples
    --------
    >>> from aipo_widgets.figures import trends_svg
    >>> sorted(Picture(trends_svg([]), "no runs yet")._repr_mimebundle_())
    ['text/html', 'text/plain']
    """

    svg: str
    alt: str

    def _repr_mimebundle_(self, include: object = None, exclude: object = None
                          ) -> dict[str, str]:
        return mimebundle(self.svg, alt=self.alt)


def _cell() -> int | None:
    """Return the execution count of the notebook cell running now (None outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the kit installs IPython
        return None
    shell = get_ipython()
    # While a cell runs, IPython 8 already holds the next cell's count: the cell's own (the
    # In [n] the notebook saves) is one less.
    count = getattr(shell, "execution_count", None)
    return count - 1 if isinstance(count, int) else None


def use_kit_tables() -> bool:
    """Show every DataFrame of this kernel as a kit table instead of pandas' own repr.

    The table (:func:`aipo_widgets.figures.table.table_html`) has no index column, figures in
    the kit's number format with their units, "—" for a missing value and ✓/✗ for a bool: the
    notebook, its HTML report and a page read alike. Returns False outside IPython.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the kit installs IPython
        return False
    shell = get_ipython()
    if shell is None:
        return False
    import pandas as pd

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)
    return True


def scenarios(case: BusinessCaseResult, columns: Iterable[str]) -> pd.DataFrame:
    """Return the business case's scenarios as a table (``NPV``, ``payback (months)``, ``ROI``).

    The NPV is in the business case's currency and the ROI a share (shown as a percentage).
    """
    import pandas as pd

    values = {"NPV": lambda s: round(s.npv), "payback (months)": lambda s: s.payback_months,
              "ROI": lambda s: s.roi}
    frame = pd.DataFrame([{"scenario": s.scenario, **{c: values[c](s) for c in columns}}
                          for s in case.scenarios.values()])
    return with_units(frame, units={"NPV": case.currency, "ROI": "share"})


@dataclass
class Phase:
    """One run of a phase notebook: the workspace, its data, and the gates and figures so far.

    Use a phase's own class (:class:`Discovery`, :class:`Experiments`, :class:`Rollout`,
    :class:`Operate`) and open it with :meth:`open`.

    Parameters
    ----------
    wf : WorkspaceFile
        The loaded workspace.
    as_of : datetime.date
        The assessment date.
    strict : bool
        Whether warnings count as failures (``aipo run --strict``).
    frames : dict
        The data sources read, by id.
    gates : list of Gate
        The phase's gates so far.
    figures : dict
        The phase's key figures so far, for ``results.json``.
    cache : aipo_widgets.model.cache.Cache, optional
        The workspace's analysis cache (``reports/cache``), opened by :meth:`open`: what it
        reused and what it computed goes to ``results.json`` with the gates.
    """

    name: ClassVar[str] = ""
    # The data-source roles the phase reads (None: every source with a file).
    roles: ClassVar[tuple[str, ...] | None] = None

    wf: WorkspaceFile
    as_of: dt.date
    strict: bool = False
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    gates: list[Gate] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    cache: caching.Cache | None = field(default=None, repr=False)
    # The notebook cell (execution count) that added each gate: the report links a gate to
    # the section that checked it.
    cells: list[int | None] = field(default_factory=list, repr=False)

    @classmethod
    def open(cls: type[P], workspace: str | os.PathLike[str] = "", *,
             as_of: str | dt.date | None = "", strict: bool = False) -> P:
        """Open the phase on a workspace and read its data.

        Parameters
        ----------
        workspace : path, default ""
            The workspace folder or its ``aipo.yaml``; empty: the folder above the notebook
            that holds an ``aipo.yaml`` (see :func:`aipo_widgets.model.workspace.find`).
        as_of : str or datetime.date, optional
            The assessment date (``YYYY-MM-DD``); empty: ``settings.as_of`` of ``aipo.yaml``,
            else today.
        strict : bool, default False
            Warnings count as failures.

        Returns
        -------
        Phase
            The phase, with a failing gate for each data source that could not be read.
        """
        import pandas as pd

        pd.set_option("display.max_colwidth", 80)
        use_kit_tables()
        wf = load(find(workspace))
        if isinstance(as_of, dt.date):
            day = as_of
        elif as_of:
            day = dt.date.fromisoformat(as_of)
        else:
            day = wf.workspace.settings.as_of or dt.date.today()
        phase = cls(wf, day, strict)
        # The expensive analyses ask the workspace's cache first (aipo run --fresh: never).
        phase.cache = caching.activate(phase.folder)
        frames, unreadable = measure.load_frames(phase.folder, phase.ws, roles=cls.roles,
                                                  locate=phase.wf.locate)
        phase.frames = frames
        phase.add(unreadable)
        # The plan's milestones and the sign-offs the decision waits for are gates of the
        # product's current phase (none in the other phases), so its decision counts them.
        # They render documents: imported here, so that the other phases never load them.
        if str(phase.ws.product.phase) == phase.name:
            from aipo_widgets.documents.signing import governance_gates

            phase.add(governance_gates(phase.folder, phase.ws, phase.name, as_of=day))
        phase.prepare()
        return phase

    def prepare(self) -> None:
        """Pick the phase's own data once the sources are read (the phases override it)."""

    @property
    def ws(self) -> Workspace:
        """The workspace model (``aipo.yaml``)."""
        return self.wf.workspace

    @property
    def folder(self) -> Path:
        """The workspace folder."""
        return Path(self.wf.folder)

    @property
    def headline(self) -> str:
        """The product, its owner and phase, and the assessment date, in a line."""
        p = self.ws.product
        return f"{p.name} (owner {p.owner}), phase {p.phase}, as of {self.as_of}"

    @property
    def units(self) -> dict[str, str]:
        """Each metric's unit (metric id -> unit), as the metric tree gives them."""
        return {n.id: n.unit for n in self.ws.metric_tree.nodes if n.unit}

    def add(self, gates: Gate | Iterable[Gate]) -> list[Gate]:
        """Add a gate (or several) to the phase's gates; return those added."""
        added = [gates] if isinstance(gates, Gate) else list(gates)
        self.gates.extend(added)
        self.cells.extend([_cell()] * len(added))
        return added

    def frame(self, source: DataSource | None) -> pd.DataFrame | None:
        """Return a data source's table, None when there is no source or it was not read."""
        return self.frames.get(source.id) if source is not None else None

    def record(self) -> None:
        """Hand the phase's gates and figures to ``aipo run`` (and show them).

        The output's metadata says which cell added each gate, for the report's links.
        """
        uses = [u.to_dict() for u in self.cache.uses] if self.cache is not None else []
        results = record(self.name, self.gates, self.figures, cache=uses, display=False)
        from IPython.display import display

        cells = (self.cells + [None] * len(self.gates))[:len(self.gates)]
        display(results, metadata={"aipo": {"cells": cells}})

    def uses_since(self, start: int) -> list[caching.Use | None]:
        """Return the cache's uses from the ``start``-th on (what one step reused or computed)."""
        return list(self.cache.uses[start:]) if self.cache is not None else []

    @property
    def used(self) -> int:
        """How many analyses asked the cache so far (a step's start, for :meth:`uses_since`)."""
        return len(self.cache.uses) if self.cache is not None else 0

    def show_business_case(self, case: BusinessCaseResult) -> None:
        """Show the cumulative cash flow per scenario (with the Monte Carlo band) and the NPV."""
        view = case.to_view()
        show(case)  # its own picture: the scenarios' cash flows, the band, the figures
        show(Picture(npv_svg(view), npv_alt(view)))

    def analyse_business_case(self, *, measured: dict[str, float] | None = None
                              ) -> BusinessCaseResult | None:
        """Analyse the business case (with measured figures); None when there is none."""
        if self.ws.business_case is None:
            return None
        return analyse(self.ws.business_case, measured=measured, n=DRAWS[self.name])


