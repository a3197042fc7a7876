"""The module paths of 0.1.0, kept importable for one release with a DeprecationWarning.

A phase notebook that ``aipo init`` copied into a workspace with 0.1.0 imports the kit by the
paths of that release (``aipo_widgets.phases``, ``aipo_widgets.metric_tree``,
``aipo_widgets.pipeline.record`` ...).  Each such path is now a thin module that calls
:func:`moved`: the import warns once, naming where the names live now and what a notebook imports
instead (:mod:`aipo_widgets.notebook`), and every name is handed out from its new home.  The thin
modules sit above every layer (pyproject's layers contract lists them with the notebook facade)
and go in 0.3.

Examples
--------
>>> import warnings
>>> from aipo_widgets import errors
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     get = moved("aipo_widgets.old_errors", errors)
>>> get("UsageError") is errors.UsageError, caught[0].category.__name__
(True, 'DeprecationWarning')
>>> str(caught[0].message)[:80]
'aipo_widgets.old_errors is the 0.1.0 path of aipo_widgets.errors and goes in 0.3'
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

__all__ = ["REMOVED_IN", "moved"]

#: The release in which the 0.1.0 paths go.
REMOVED_IN = "0.3"

_PACKAGE = str(Path(__file__).resolve().parent)


def _caller_level() -> int:
    # The warning names the line that imported the old path (a notebook cell), not this package,
    # so that IPython shows it and ``-W error`` points at it. warnings.warn skips the import
    # machinery's frames itself when it counts the level, so they are not counted here.
    frame = sys._getframe(2)  # the thin module (or the package's __getattr__)
    level = 2
    while frame is not None and (_internal(frame) or frame.f_code.co_filename.startswith(_PACKAGE)):
        frame = frame.f_back  # type: ignore[assignment]
        if frame is not None and not _internal(frame):
            level += 1
    return level


def _internal(frame: FrameType) -> bool:
    name = frame.f_code.co_filename
    return "importlib" in name and "_bootstrap" in name


def moved(old: str, *new: ModuleType, use: str = "aipo_widgets.notebook") -> Callable[[str], Any]:
    """Warn that module ``old`` moved, and return its ``__getattr__`` (PEP 562).

    Parameters
    ----------
    old : str
        The 0.1.0 module path (the thin module's ``__name__``).
    *new : module
        Where its names live now, searched in order.
    use : str, default "aipo_widgets.notebook"
        What a notebook imports instead.

    Returns
    -------
    callable
        The thin module's ``__getattr__``: a name from the first new module that has it.
    """
    homes = ", ".join(m.__name__ for m in new)
    warnings.warn(
        f"{old} is the 0.1.0 path of {homes} and goes in {REMOVED_IN}; a phase notebook "
        f"imports {use} instead (the notebooks a new `aipo init` writes do)",
        DeprecationWarning, stacklevel=_caller_level())

    def __getattr__(name: str) -> Any:
        for module in new:
            if hasattr(module, name):
                return getattr(module, name)
        msg = f"module {old!r} has no attribute {name!r} (it moved to {homes})"
        raise AttributeError(msg)

    return __getattr__
