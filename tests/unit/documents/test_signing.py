"""What a sign-off on a document covers: the document's content, not the day or the run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from aipo_widgets.documents.signing import current_digests, governance, signable_text
from aipo_widgets.model.workspace import load


def test_a_documents_digest_ignores_the_day_the_run_and_the_commit(small_ws: Path) -> None:
    ws = load(small_ws).workspace
    refs = ["doc:rollout_plan", "doc:model_card"]
    first = current_digests(ws, refs, folder=small_ws, as_of=dt.date(2026, 12, 7))
    later = current_digests(ws, refs, folder=small_ws, as_of=dt.date(2026, 12, 9))
    assert first == later and all(first.values())
    # Changing what the document says changes its digest.
    changed = ws.model_copy(update={"product": ws.product.model_copy(
        update={"intended_purpose": "Draft summaries for agents."})})
    assert current_digests(changed, refs, folder=small_ws, as_of=dt.date(2026, 12, 7))[
        "doc:model_card"] != first["doc:model_card"]


def test_volatile_header_rows_and_run_ids_are_masked() -> None:
    md = ("| Product | x |\n| --- | --- |\n| As of | 2026-12-07 |\n| Workspace commit | abc |\n"
          "| Evidence | run 20261207T061228Z-6216 |\n| Made by | aipo docs (aipo-kit 0.1.0) |\n"
          "See [discovery](reports/20261207T061228Z-6216/01_discovery.html), 2026-12-07.\n")
    assert signable_text(md, dt.date(2026, 12, 7)) == (
        "| Product | x |\n| --- | --- |\n"
        "See [discovery](reports/<run>/01_discovery.html), <as of>.\n")


def test_governance_reads_the_gates_of_the_latest_run(small_ws: Path) -> None:
    text = (small_ws / "aipo.yaml").read_text(encoding="utf-8")
    (small_ws / "aipo.yaml").write_text(text + (
        "plan:\n  milestones:\n    - {id: M1, title: Gold set, phase: discovery, "
        "due: 2026-09-20, status: done, evidence: 'gate:discovery:gold set available'}\n"),
        encoding="utf-8")
    run_dir = small_ws / "reports" / "20261201T000000Z-abcd"
    run_dir.mkdir(parents=True)
    (small_ws / "reports" / "latest").symlink_to(run_dir.name)
    (run_dir / "results.json").write_text(json.dumps({
        "id": run_dir.name, "started": "2026-12-01T00:00:00", "phases": [
            {"phase": "discovery", "status": "ok",
             "gates": [{"name": "gold set available", "verdict": "fail"}]}]}))
    g = governance(small_ws, as_of=dt.date(2026, 9, 25))
    view = g.to_view()
    assert view["timeline"]["milestones"][0]["evidence_verdict"] == "fail"
    assert [x.name for x in g.gates][:2] == ["plan on schedule", "milestone M1: Gold set"]
    assert view["timeline"]["day_label"] == "day 25 of 90"
