"""The plan, sign-off, RACI and notification sections of aipo.yaml: fields, refs, round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aipo_widgets.errors import WorkspaceError
from aipo_widgets.model.artefacts import parse_artefact
from aipo_widgets.model.schema import Workspace, json_schema
from aipo_widgets.model.signoffs import SignOff, digest_of, role_from_text
from aipo_widgets.model.workspace import load, validate_text

DIGEST = "0f" * 32

PLAN = f"""\
plan:
  grace_days: 5  # a week is too long for us
  milestones:
    - id: M1
      title: Baseline accepted
      phase: discovery
      due: 2026-09-25
      owner: Jana Keller
      status: done
      done_on: 2026-09-24
      evidence: decision:D1
      blocking: true
decisions:
  - id: D1
    date: 2026-09-24
    title: Baseline accepted
signoffs:
  # The DPO read the DPIA draft of 18 September.
  - artefact: doc:dpia
    role: data_protection_officer
    name: Tomasz Wójcik
    date: 2026-09-18
    verdict: approved
    sha256: {DIGEST}
raci:
  - artefact: doc:rollout_plan
    responsible: [product_owner]
    accountable: works_council
    consulted: [legal]
notifications:
  webhooks:
    - id: ops
      format: slack
      url_env: AIPO_SLACK_URL
"""


def problems(text: str) -> list[str]:
    _, found = validate_text(text)
    return [str(p) for p in found]


def test_the_sections_load_with_their_defaults(small_text: str) -> None:
    wf, found = validate_text(small_text + PLAN)
    assert found == []
    ws = wf.workspace
    assert ws.plan.grace_days == 5 and ws.plan.milestones[0].evidence == "decision:D1"
    assert ws.signoffs[0].sha256 == DIGEST and ws.signoffs[0].verdict == "approved"
    assert ws.raci[0].needed_by == "rollout"
    assert ws.notifications.webhooks[0].url_env == "AIPO_SLACK_URL"
    assert ws.notifications.min_interval_minutes == 60
    bare = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    assert bare.plan.milestones == [] and bare.signoffs == [] and not bare.notifications.configured


def test_each_mistake_names_its_field_line_and_fix(small_text: str) -> None:
    bad = (PLAN.replace("evidence: decision:D1", "evidence: D1")
           .replace("role: data_protection_officer", "role: dpo")
           .replace(DIGEST, "12ab")
           .replace("url_env: AIPO_SLACK_URL", "url_env: https://hooks.slack.com/x"))
    found = problems(small_text + bad)
    assert any("plan.milestones[0].evidence: 'D1' does not say what it is: write doc:dpia" in p
               for p in found), found
    assert any("signoffs[0].role: must be one of" in p for p in found), found
    assert any("signoffs[0].sha256: must be a SHA-256 digest: 64 hexadecimal digits" in p
               for p in found), found
    assert any("url_env: must be the name of an environment variable" in p for p in found), found
    # Every problem points at its line.
    assert all(p.startswith("aipo.yaml:") and p.split(":")[1].isdigit() for p in found)


def test_cross_field_rules(small_text: str) -> None:
    found = problems(small_text + PLAN.replace("      status: done\n", "      status: planned\n"))
    assert any("done_on is set but status is planned; set status: done" in p for p in found)
    conditions = PLAN.replace("verdict: approved", "verdict: conditions")
    assert any("verdict is conditions but no conditions are written" in p
               for p in problems(small_text + conditions))
    both = PLAN.replace("url_env: AIPO_SLACK_URL",
                        "url_env: AIPO_SLACK_URL\n      url: https://example.com/hook")
    assert any("give the URL in exactly one of url or url_env" in p
               for p in problems(small_text + both))


def test_references_decisions_duplicates_and_channels(small_text: str) -> None:
    text = (small_text + PLAN.replace("evidence: decision:D1", "evidence: decision:D9")
            + "    - id: ops\n      url: https://example.com/hook\n")
    found = problems(text)
    assert any("plan.milestones[0].evidence: names decision 'D9', which is not in decisions "
               "(known: D1)" in p for p in found), found
    assert any("notifications.webhooks[1].id: duplicate channel id 'ops'" in p for p in found)
    twice = small_text + PLAN.replace("  milestones:\n", "  milestones:\n    - {id: M1, title: t, "
                                      "phase: rollout, due: 2026-11-01}\n")
    assert any("plan.milestones[1].id: duplicate id 'M1'" in p for p in problems(twice))


def test_a_save_keeps_comments_and_appends_a_signoff(tmp_path: Path, small_text: str) -> None:
    (tmp_path / "aipo.yaml").write_text(small_text + PLAN, encoding="utf-8")
    wf = load(tmp_path)
    wf.workspace.signoffs.append(SignOff(
        artefact="gate:rollout:go / no-go", role="management", name="Miriam Okafor",
        date=dt.date(2026, 11, 2), verdict="conditions", conditions="GA after the survey",
        sha256=DIGEST))
    assert wf.save()
    text = (tmp_path / "aipo.yaml").read_text(encoding="utf-8")
    assert "# The DPO read the DPIA draft of 18 September." in text
    assert "grace_days: 5  # a week is too long for us" in text
    assert "artefact: 'gate:rollout:go / no-go'" in text or \
        "artefact: gate:rollout:go / no-go" in text
    assert load(tmp_path).workspace.signoffs[1].conditions == "GA after the survey"


def test_artefacts_and_roles_read_as_people_write_them() -> None:
    assert parse_artefact("gate:operate:alert A1: too many").phase == "operate"
    assert parse_artefact("gate:alert A1: too many").name == "alert A1: too many"
    with pytest.raises(ValueError, match="names no decision"):
        parse_artefact("decision:")
    assert role_from_text("works-council") == "works_council"
    assert role_from_text("CISO") == "security"
    assert role_from_text("boss") is None


def test_digest_is_the_sha256_of_canonical_json() -> None:
    import hashlib

    assert digest_of({"b": 2, "a": "x"}) == hashlib.sha256(b'{"a":"x","b":2}').hexdigest()


def test_the_json_schema_documents_the_new_sections() -> None:
    props = json_schema()["properties"]
    assert {"plan", "signoffs", "raci", "notifications"} <= set(props)
    signoff = json_schema()["$defs"]["SignOff"]["properties"]
    assert signoff["sha256"]["pattern"] == "^[0-9a-f]{64}$"
    assert "doc:NAME" in signoff["artefact"]["description"]


def test_invalid_file_raises_with_every_problem(tmp_path: Path, small_text: str) -> None:
    (tmp_path / "aipo.yaml").write_text(small_text + PLAN.replace("due: 2026-09-25",
                                                                  "due: soon"), encoding="utf-8")
    with pytest.raises(WorkspaceError) as err:
        load(tmp_path)
    assert "plan.milestones[0].due" in str(err.value.problems[0])
