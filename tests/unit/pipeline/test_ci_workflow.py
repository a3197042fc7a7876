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
    # the analysis cache is restored before the run, saved after it, kept out of the artifacts
    for job in ("phases", "operate"):
        steps = doc["jobs"][job]["steps"]
        for action in ("actions/cache/restore", "actions/cache/save"):
            step = next(s for s in steps if s.get("uses", "").startswith(action))
            assert "${{ env.WORKSPACE }}/reports/cache/" in step["with"]["path"].splitlines()
        uploaded = next(s for s in steps if s.get("uses", "").startswith("actions/upload-"))
        assert "!${{ env.WORKSPACE }}/reports/cache/" in uploaded["with"]["path"].splitlines()


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


def _steps(job: str) -> list[dict]:
    doc = YAML(typ="safe").load(ci.workflow_text("aipo-kit==9.9.9"))
    return doc["jobs"][job]["steps"]


def _index(steps: list[dict], needle: str) -> int:
    return next(i for i, s in enumerate(steps)
                if needle in str(s.get("run", "")) or needle in str(s.get("uses", "")))


def test_workflow_builds_documents_and_page_and_uploads_them_even_after_a_failed_gate():
    steps = _steps("phases")
    run, docs, page = (_index(steps, 'aipo run "$WORKSPACE"'), _index(steps, "aipo docs"),
                       _index(steps, "aipo report"))
    assert run < docs and run < page
    assert '--format html' in steps[docs]["run"]
    assert '--html "$WORKSPACE/reports/status.html"' in steps[page]["run"]
    uploads = {s["with"]["name"]: s for s in steps if "upload-artifact" in s.get("uses", "")}
    assert set(uploads) == {"aipo-reports", "aipo-documents", "aipo-stakeholder-page"}
    assert uploads["aipo-documents"]["with"]["path"].endswith("/reports/docs/")
    assert uploads["aipo-stakeholder-page"]["with"]["path"].endswith("/reports/status.html")
    # A failing gate exits 1: what follows the run must still happen (a red run is evidence).
    for i in (docs, page, *(steps.index(s) for s in uploads.values())):
        assert str(steps[i].get("if", "")).startswith("always()"), steps[i]
    # The job summary gets a link to each artifact after the uploads.
    links = _index(steps, "GITHUB_STEP_SUMMARY")
    assert links > max(steps.index(s) for s in uploads.values())
    assert "steps.page.outputs.artifact-url" in str(steps[links]["env"])


@pytest.mark.parametrize("job", ["phases", "operate"])
def test_the_ledger_is_kept_between_runs_so_trends_build_up(job):
    steps = _steps(job)
    restore, run = _index(steps, "actions/cache/restore"), _index(steps, "aipo run")
    save = _index(steps, "actions/cache/save")
    assert restore < run < save
    kept = steps[restore]["with"]["path"].splitlines()
    assert kept == steps[save]["with"]["path"].splitlines()  # the same paths, or none restore
    assert "${{ env.WORKSPACE }}/reports/ledger.sqlite" in kept
    # the earlier runs' results: a nightly run of the operate phase takes the others from them
    assert "${{ env.WORKSPACE }}/reports/*/results.json" in kept
    # saved even when a gate failed (actions/cache alone saves only after a green job); a new
    # key each run (a cache entry is immutable), restored by prefix
    assert steps[save]["if"].startswith("always()")
    assert "github.run_id" in steps[save]["with"]["key"]
    assert steps[restore]["with"]["restore-keys"].splitlines() == [
        "aipo-ledger-${{ github.ref_name }}-", "aipo-ledger-"]
    assert any("aipo status" in str(s.get("run")) and "--trend" in str(s.get("run"))
               for s in steps)


def test_workflow_uses_only_githubs_own_actions_and_sends_nothing_elsewhere():
    text = ci.workflow_text("aipo-kit==9.9.9")
    doc = YAML(typ="safe").load(text)
    uses = {s["uses"].split("@")[0] for job in doc["jobs"].values() for s in job["steps"]
            if "uses" in s}
    assert uses == {"actions/checkout", "actions/setup-python", "actions/cache/restore",
                    "actions/cache/save", "actions/upload-artifact"}
    runs = "\n".join(str(s.get("run", "")) for job in doc["jobs"].values()
                     for s in job["steps"])
    for word in ("curl", "wget", "http://", "https://", "telemetry", "codecov"):
        assert word not in runs, word
    assert doc["permissions"] == {"contents": "read"}
    assert doc["env"]["PIP_DISABLE_PIP_VERSION_CHECK"] == "1"
