"""The CI workflow ``aipo init`` writes into a workspace (``.github/workflows/aipo.yml``).

The workflow installs the kit, validates the workspace, runs the phase notebooks on every push
(failing when a gate fails) and the operate phase every night, and keeps the reports as
artifacts. What it installs is pinned when the workspace is made: the kit exactly as it is
installed here, so that CI runs the version the product owner worked with, never whatever a
package index happens to serve under the name.

Examples
--------
>>> text = workflow_text("aipo-kit==0.1.0")
>>> 'AIPO_KIT: "aipo-kit==0.1.0"' in text and 'pip install "$AIPO_KIT"' in text
True
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from aipo_widgets import __version__

DISTRIBUTION = "aipo-kit"
_TEMPLATE = Path(__file__).parent / "files" / "github-workflow.yml"
_PLACEHOLDER = "__AIPO_KIT__"


def kit_requirement() -> str:
    """Return the pip requirement that installs the kit as it is installed in this environment.

    A kit installed from a git repository that CI can reach (PEP 610 ``direct_url.json`` with
    ``vcs_info`` and a network URL) is pinned to its commit; otherwise to its version, as
    ``aipo-kit==VERSION`` (an editable checkout or a local wheel cannot be reached from CI, so
    the version is the honest pin there too).

    Returns
    -------
    str
        A requirement for ``pip install``.
    """
    try:
        dist = distribution(DISTRIBUTION)
    except PackageNotFoundError:  # running from a checkout that was never installed

        return f"{DISTRIBUTION}=={__version__}"
    raw = dist.read_text("direct_url.json")
    if raw:
        try:
            info = json.loads(raw)
        except ValueError:
            info = {}
        vcs, url = info.get("vcs_info") or {}, str(info.get("url", ""))
        if vcs.get("commit_id") and url.startswith(("https://", "ssh://")):
            return f"{DISTRIBUTION} @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    return f"{DISTRIBUTION}=={dist.version}"


def workflow_text(requirement: str | None = None) -> str:
    """Return the workflow, installing ``requirement`` (default: :func:`kit_requirement`).

    Parameters
    ----------
    requirement : str, optional
        What ``pip install`` gets in CI.

    Returns
    -------
    str
        The YAML of ``.github/workflows/aipo.yml``.
    """
    req = requirement or kit_requirement()
    # A requirement is one line of text inside a double-quoted YAML string.
    if any(c in req for c in '"\\\n'):
        msg = f"a pip requirement cannot hold quotes, backslashes or line breaks: {req!r}"
        raise ValueError(msg)
    return _TEMPLATE.read_text(encoding="utf-8").replace(_PLACEHOLDER, req)
