"""The business case's scenario widget, a step of the discovery and experiments notebooks.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> from aipo_widgets.notebook.discovery import Discovery
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "blank"
>>> _ = write_example("blank", folder)
>>> Discovery.open(folder, as_of="2026-12-01").scenario_widget() is None
No business case in aipo.yaml yet: nothing to explore.
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from aipo_widgets.notebook._phase import DRAWS
from aipo_widgets.widgets import ScenarioWidget

if TYPE_CHECKING:  # pragma: no cover
    from aipo_widgets.model.schema import Workspace
    from aipo_widgets.model.workspace import WorkspaceFile

__all__ = ["ScenarioStep"]


class ScenarioStep:
    """Adds :meth:`scenario_widget` to a phase that has a business case to explore."""

    name: ClassVar[str]
    ws: Workspace
    wf: WorkspaceFile

    def scenario_widget(self) -> ScenarioWidget | None:
        """Return the business case's drivers as an editable widget (None without a case).

        In JupyterLab a person changes a driver per scenario and sees NPV, payback and the
        simulation move; Save writes the drivers to ``aipo.yaml``. In a report it is one
        sentence: the pictures of the same figures are shown just before it.
        """
        if self.ws.business_case is None:
            print("No business case in aipo.yaml yet: nothing to explore.")
            return None
        return ScenarioWidget(self.wf, n=DRAWS[self.name], picture=False)
