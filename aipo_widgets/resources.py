"""Where the shipped files live: notebook templates, playbooks, Voila apps.

In a wheel they are inside the package (``aipo_widgets/_data/...``, put there by hatch
``force-include``); in an editable checkout they sit at the top of the repository.  Everything
else in the kit asks this module, so both cases behave the same.

Examples
--------
>>> (resource_dir("templates") / "notebooks").is_dir()
True
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_SHIPPED = ("templates", "playbooks", "voila_apps")


def resource_dir(name: str) -> Path:
    """Return the folder of a shipped resource.

    Parameters
    ----------
    name : {"templates", "playbooks", "voila_apps"}
        Which shipped folder.

    Returns
    -------
    pathlib.Path
        The folder, inside the installed package or, in an editable checkout, in the repository.
    """
    if name not in _SHIPPED:
        msg = f"unknown resource {name!r}; expected one of {', '.join(_SHIPPED)}"
        raise ValueError(msg)
    packaged = Path(str(files("aipo_widgets"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    msg = f"the kit's {name!r} folder is missing from the installation; reinstall aipo-kit"
    raise FileNotFoundError(msg)


def notebook_templates() -> list[Path]:
    """Return the phase notebook templates, sorted by name (``01_discovery.ipynb``, ...)."""
    return sorted((resource_dir("templates") / "notebooks").glob("*.ipynb"))
