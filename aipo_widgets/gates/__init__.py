"""Everything a phase notebook decides: the gates of each phase and the product's verdict.

Gate functions take the workspace and the results of :mod:`aipo_widgets.analysis` and return
:class:`~aipo_widgets.evidence.Gate` records; they are tested without a kernel.
"""

from aipo_widgets import evidence as _evidence
from aipo_widgets._deprecated import moved


def __getattr__(name: str) -> object:
    # 0.1.0's notebooks import Gate from here (``from aipo_widgets.gates import Gate``).
    if name == "Gate":
        moved("aipo_widgets.gates.Gate", _evidence)
        globals()["Gate"] = _evidence.Gate  # warned once: the next lookup finds it
        return _evidence.Gate
    msg = f"module 'aipo_widgets.gates' has no attribute {name!r}"
    raise AttributeError(msg)
