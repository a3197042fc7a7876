"""`aipo signoff`: the record in aipo.yaml, the digest of what was signed, stale after a change."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from aipo_widgets.cli import main
from aipo_widgets.documents.signing import governance
from aipo_widgets.model.workspace import load

TODAY = dt.date.today()


@pytest.fixture
def ws(small_ws: Path) -> Path:
    path = small_ws / "aipo.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  start_date: 2026-09-01\n", "  start_date: 2026-09-01\n  workers_affected: true\n")
    text += ("decisions:\n  - id: D1  # the first one\n    date: 2026-09-30\n"
             "    title: Baseline accepted\n")
    path.write_text(text, encoding="utf-8")
    return small_ws


def state(folder: Path, role: str) -> str:
    g = governance(folder, as_of=TODAY)
    return next(s.state for s in g.states if s.role == role)


def test_signing_a_document_records_its_digest_and_goes_stale_when_it_changes(
        ws: Path, capsys: pytest.CaptureFixture) -> None:
    before = (ws / "aipo.yaml").read_text(encoding="utf-8")
    assert state(ws, "works_council") == "missing"
    code = main(["signoff", "doc:rollout_plan", str(ws), "--role", "Works council",
                 "--name", "Betriebsrat Lumeo", "--note", "read in the meeting of 25 Sept"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("APPROVED: the document rollout_plan, signed by Betriebsrat Lumeo as "
                          f"works council on {TODAY.isoformat()}")
    text = (ws / "aipo.yaml").read_text(encoding="utf-8")
    assert text.startswith(before.rstrip("\n"))  # appended, comments and order kept
    record = load(ws).workspace.signoffs[0]
    assert (record.artefact, record.role, record.verdict, record.note) == (
        "doc:rollout_plan", "works_council", "approved", "read in the meeting of 25 Sept")
    # sha256sum over the copy of what was signed gives the recorded digest.
    copy = ws / "reports" / "signed" / f"{record.sha256}.md"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == record.sha256
    assert "Rollout plan" in copy.read_text(encoding="utf-8")
    assert state(ws, "works_council") == "approved"
    # A new rollout stage changes what the rollout plan says: the sign-off is stale.
    (ws / "aipo.yaml").write_text(text + "rollout:\n  stages:\n    - id: pilot\n"
                                  "      name: Pilot in two teams\n", encoding="utf-8")
    assert state(ws, "works_council") == "stale"


def test_signing_a_decision_and_a_gate(ws: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["signoff", "decision:D1", str(ws), "--role", "management", "--name", "M. Okafor",
                 "--verdict", "conditions", "--conditions", "review after the pilot"]) == 0
    assert "CONDITIONS: decision D1" in capsys.readouterr().out
    rec = load(ws).workspace.signoffs[0]
    assert rec.conditions == "review after the pilot"
    copy = ws / "reports" / "signed" / f"{rec.sha256}.json"
    assert json.loads(copy.read_text(encoding="utf-8"))["title"] == "Baseline accepted"
    # A gate is signed as the latest run has it; its phase is written down.
    run_dir = ws / "reports" / "20261201T000000Z-abcd"
    run_dir.mkdir(parents=True)
    (ws / "reports" / "latest").symlink_to(run_dir.name)
    (run_dir / "results.json").write_text(json.dumps({
        "id": run_dir.name, "started": "2026-12-01T00:00:00", "phases": [
            {"phase": "discovery", "status": "ok", "gates": [
                {"name": "H1 has a metric, baseline and target", "verdict": "pass"}]}]}))
    assert main(["signoff", "gate:H1 has a metric, baseline and target", str(ws), "--role",
                 "product_owner", "--name", "Jana Keller"]) == 0
    assert load(ws).workspace.signoffs[1].artefact == \
        "gate:discovery:H1 has a metric, baseline and target"


@pytest.mark.parametrize(("args", "message"), [
    (["doc:rollout_plann", "--role", "legal"], "no document 'rollout_plann' (did you mean "
                                               "'rollout_plan'?)"),
    (["rollout_plan", "--role", "legal"], "'rollout_plan' does not say what it is"),
    (["doc:rollout_plan", "--role", "boss"], "--role: unknown role 'boss'"),
    (["decision:D7", "--role", "legal"], "no decision 'D7' in the decision log"),
    (["gate:go / no-go", "--role", "legal"], "no gate 'go / no-go' in the latest run"),
    (["doc:dpia", "--role", "dpo", "--verdict", "conditions"], "needs the conditions"),
    (["doc:dpia", "--role", "dpo", "--date", "yesterday"], "'yesterday' is not a date"),
])
def test_mistakes_exit_2_and_write_nothing(ws: Path, capsys: pytest.CaptureFixture,
                                           args: list[str], message: str) -> None:
    before = (ws / "aipo.yaml").read_bytes()
    assert main(["signoff", args[0], str(ws), *args[1:], "--name", "X"]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert (ws / "aipo.yaml").read_bytes() == before


def test_status_shows_the_timeline_and_who_has_yet_to_sign(
        ws: Path, capsys: pytest.CaptureFixture) -> None:
    text = (ws / "aipo.yaml").read_text(encoding="utf-8")
    (ws / "aipo.yaml").write_text(text + (
        "plan:\n  milestones:\n"
        "    - {id: M1, title: Baseline accepted, phase: discovery, due: 2026-09-30,"
        " owner: Jana Keller, status: done, done_on: 2026-09-29}\n"
        "    - {id: M2, title: Gold set reviewed, phase: experiments, due: 2026-10-20,"
        " owner: Ali Demir, blocking: true}\n"), encoding="utf-8")
    run_dir = ws / "reports" / "20261201T000000Z-abcd"
    run_dir.mkdir(parents=True)
    (ws / "reports" / "latest").symlink_to(run_dir.name)
    (run_dir / "results.json").write_text(json.dumps({
        "id": run_dir.name, "started": "2026-12-01T00:00:00", "verdict": "pass",
        "exit_code": 0, "gates": [], "phases": []}))
    assert main(["status", str(ws)]) == 0
    out = capsys.readouterr().out
    day = (TODAY - dt.date(2026, 9, 1)).days + 1
    assert "Plan: day " + str(day) in out and "1 of 2 milestones done" in out
    assert f"^ today {TODAY.isoformat()}" in out
    assert "done  M1   due 2026-09-30  Baseline accepted (Jana Keller)" in out
    assert "Sign-offs:" in out
