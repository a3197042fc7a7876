"""The analyses through the workspace's cache: what each input kind's change recomputes.

In this process, without kernels: the source reads, the PII scans and the business case's Monte
Carlo of the support example, run again after one change of each kind of input (a byte of a data
file, a line of the aipo.yaml section an analysis reads, a parameter, the kit's version) and
after a change of a section none of them reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aipo_widgets.analysis import measure
from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.examples import write_example
from aipo_widgets.gates.discovery import pii_scan
from aipo_widgets.model import cache as cache_mod
from aipo_widgets.model.workspace import load


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cached") / "support"
    write_example("support-summaries", folder)
    return folder


@pytest.fixture
def workspace(example: Path, tmp_path: Path) -> Iterator[Path]:
    import shutil

    folder = tmp_path / "ws"
    shutil.copytree(example, folder)
    yield folder
    cache_mod.deactivate()


def analyses(folder: Path, run: str, *, sample: int = 200, draws: int = 200
             ) -> tuple[dict[str, bool], list]:
    """Run the cached analyses once as run ``run``; return {label: reused} and the PII gates."""
    cache = cache_mod.activate(folder, run=run, fresh=False)
    wf = load(folder)
    frames, _ = measure.load_frames(folder, wf.workspace, roles=("baseline", "pilot"))
    _, gates = pii_scan(wf.workspace, frames, sample=sample)
    assert wf.workspace.business_case is not None
    analyse(wf.workspace.business_case, n=draws)
    # the scenarios' IRRs: one label for four flows (some the same), checked on their own
    irrs = [u for u in cache.uses if u.kind == "irr"]
    assert len(irrs) == 4
    return {u.label: u.reused for u in cache.uses if u.kind != "irr"}, gates


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_nothing_changed_reuses_everything_and_the_gates_say_so(workspace: Path) -> None:
    first, gates1 = analyses(workspace, "r1")
    assert first and not any(first.values())
    second, gates2 = analyses(workspace, "r2")
    assert set(second) == set(first) and all(second.values())
    assert [g.extra.get("reused") for g in gates2] == [
        {"run": "r1", "analyses": [f"PII scan of {g.name.split()[3]}"]} for g in gates2]
    strip = [(g.name, g.verdict, g.figure, g.detail) for g in gates1]
    assert strip == [(g.name, g.verdict, g.figure, g.detail) for g in gates2]
    # --fresh: every analysis computed again
    cache_mod.activate(workspace, run="r3", fresh=True)
    cache = cache_mod.active()
    assert cache is not None and cache.fresh


def test_one_flipped_byte_in_a_data_file_recomputes_what_reads_it(workspace: Path) -> None:
    analyses(workspace, "r1")
    data = workspace / "data" / "tickets.csv"
    raw = bytearray(data.read_bytes())
    at = raw.rindex(b"billing")  # a value of the last rows: same size, one byte other
    raw[at] = ord("B")
    data.write_bytes(bytes(raw))
    again, _ = analyses(workspace, "r2")
    # tickets and pilot both read data/tickets.csv (other periods): both recomputed
    assert {k for k, reused in again.items() if not reused} == {
        "read of tickets", "read of pilot", "PII scan of tickets", "PII scan of pilot"}


def test_a_line_of_the_section_an_analysis_reads_recomputes_it_only(workspace: Path) -> None:
    analyses(workspace, "r1")
    edit(workspace / "aipo.yaml", "  discount_rate: 0.08", "  discount_rate: 0.09")
    again, _ = analyses(workspace, "r2")
    assert {k for k, reused in again.items() if not reused} == {"business case Monte Carlo"}
    # a source's filter: its read, and the scan of what it read
    edit(workspace / "aipo.yaml", "      where: {period: baseline}\n      id_column: ticket_id",
         "      where: {period: pilot}\n      id_column: ticket_id")
    again, _ = analyses(workspace, "r3")
    assert {k for k, reused in again.items() if not reused} == {"read of tickets",
                                                                 "PII scan of tickets"}


def test_an_unrelated_change_of_aipo_yaml_recomputes_nothing(workspace: Path) -> None:
    analyses(workspace, "r1")
    edit(workspace / "aipo.yaml", "  name: Ticket summaries\n", "  name: Ticket digests\n")
    edit(workspace / "aipo.yaml", "name: Support tickets (sample)",  # describes, reads nothing
         "name: Support tickets (a sample)")
    again, _ = analyses(workspace, "r2")
    assert again and all(again.values())


def test_a_parameter_or_the_kit_version_recomputes(workspace: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    analyses(workspace, "r1")
    again, _ = analyses(workspace, "r2", sample=199, draws=201)
    assert {k for k, reused in again.items() if not reused} == {
        "PII scan of tickets", "PII scan of pilot", "business case Monte Carlo"}
    monkeypatch.setattr(cache_mod, "__version__", "0.0.0+other")
    again, _ = analyses(workspace, "r3")
    assert again and not any(again.values())
