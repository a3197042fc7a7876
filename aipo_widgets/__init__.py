"""The AIPO kit: the AI product owner's half of the job, in the notebook where the evidence lives.

The package has three layers, and imports point downward only:

1. core (pure Python, no Jupyter imports): :mod:`~aipo_widgets.model.schema` (the workspace file),
   the decision modules and the evidence modules;
2. views: widgets and static renderers;
3. pipeline: the ``aipo`` command, notebook runs, reports and pages.

Importing the package is cheap: heavy modules (pandas, scipy, matplotlib, Jupyter) are imported
only by the modules that need them.

Examples
--------
>>> import aipo_widgets
>>> aipo_widgets.__version__
'0.1.0'
"""

from __future__ import annotations

from aipo_widgets.errors import AipoError

__version__ = "0.1.0"

__all__ = ["AipoError", "__version__"]
