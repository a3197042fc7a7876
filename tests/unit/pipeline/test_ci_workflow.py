"""The CI workflow `aipo init` writes: valid YAML that installs the kit pinned."""

from __future__ import annotations

import json

import pytest
from ruamel.yaml import YAML

from aipo_widgets import __version__
from aipo_widgets.pipeline import ci


def test_workflow_installs_the_pinned_requirement_and_runs_the_phases():
    doc = YAML(typ="safe").load(ci.workflow_text("aipo-kit==9.9.9"))
    assert doc["env"]["AIPO_KIT"] == "aipo-kit==9.9.9"
    for job in ("phases", "operate"):
        runs = [step.get("run", "") for step in doc["jobs"][job]["steps"]]
        assert 'pip install "$AIPO_KIT"' in runs, runs
        assert not any("pip install aipo-kit" in r for r in runs)  # never the bare name
    assert any(r.startswith('aipo run "$WORKSPACE"') for r in
               (s.get("run", "") for s in doc["jobs"]["phases"]["steps"]))
    assert "--phase operate" in ci.workflow_text("x")


def test_this_environment_pins_the_installed_version():
    # The test environment has the kit installed editable (a local folder CI cannot reach).
    assert ci.kit_requirement() == f"aipo-kit=={__version__}"


class _Dist:
    def __init__(self, direct_url: dict | None):
        self.version = "1.2.3"
        self._raw = json.dumps(direct_url) if direct_url is not None else None

    def read_text(self, name: str) -> str | None:
        return self._raw if name == "direct_url.json" else None


@pytest.mark.parametrize(("direct_url", "expected"), [
    ({"url": "https://git.example.org/ai/aipo-kit.git",
      "vcs_info": {"vcs": "git", "commit_id": "0123abc"}},
     "aipo-kit @ git+https://git.example.org/ai/aipo-kit.git@0123abc"),
    ({"url": "file:///home/me/aipo-kit", "dir_info": {"editable": True}}, "aipo-kit==1.2.3"),
    ({"url": "file:///srv/wheels/aipo_kit-1.2.3-py3-none-any.whl", "archive_info": {}},
     "aipo-kit==1.2.3"),
    (None, "aipo-kit==1.2.3"),  # from an index: no direct_url.json
])
def test_requirement_follows_how_the_kit_was_installed(monkeypatch, direct_url, expected):
    monkeypatch.setattr(ci, "distribution", lambda name: _Dist(direct_url))
    assert ci.kit_requirement() == expected


def test_a_requirement_cannot_break_out_of_its_yaml_string():
    with pytest.raises(ValueError, match="quotes"):
        ci.workflow_text('aipo-kit"\nrun: curl evil')
