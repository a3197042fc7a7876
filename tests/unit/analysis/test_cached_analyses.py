"""The analyses through the workspace's cache: what each input kind's change recomputes.

In this process, without kernels, on a tiny workspace written here (a 20-row CSV read as two
sources, a three-driver business case): the source reads, the PII scans and the business case's
Monte Carlo, run again after one change of each kind of input (a byte of a data file, a line
of the aipo.yaml section an analysis reads, a parameter, the kit's version or code, a file's
path) and after a change of a section none of them reads. The first (computing) run is made
once per module; each test copies its folder, cache included.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from aipo_widgets.analysis import cached, measure
from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.gates.discovery import pii_scan
from aipo_widgets.model import cache as cache_mod
from aipo_widgets.model.schema import DataSource
from aipo_widgets.model.workspace import load

AIPO_YAML = """\
schema_version: 1
product:
  name: Tiny product
  owner: Test Owner
  phase: discovery
data_map:
  sources:
    - id: tickets
      name: Tickets (sample)
      location: data/tickets.csv
      role: baseline
      where: {period: baseline}
      id_column: ticket_id
      personal_data: true
    - id: pilot
      name: Tickets of the pilot
      location: data/tickets.csv
      role: pilot
      where: {period: pilot}
      id_column: ticket_id
      personal_data: true
business_case:
  currency: EUR
  horizon_months: 12
  discount_rate: 0.08
  drivers:
    volume:
      conservative: 900
      realistic: 1000
      optimistic: 1100
    saving:
      conservative: 1.0
      realistic: 2.0
      optimistic: 3.0
    build_cost:
      conservative: 12000
      realistic: 10000
      optimistic: 9000
  one_off_cost: build_cost
  monthly_benefit: volume * saving
  monthly_cost: "0"
"""


def _csv() -> str:
    rows = ["ticket_id,period,team,body"]
    for i in range(20):
        period = "baseline" if i < 12 else "pilot"
        rows.append(f"{i},{period},{'billing' if i % 2 else 'tech'},"
                    f"Please call me back at person{i}@example.com")
    return "\n".join(rows) + "\n"


def analyses(folder: Path, run: str, *, sample: int = 20, draws: int = 50, fresh: bool = False
             ) -> tuple[dict[str, bool], list]:
    """Run the cached analyses once as run ``run``; return {label: reused} and the PII gates."""
    cache = cache_mod.activate(folder, run=run, fresh=fresh)
    wf = load(folder)
    frames, problems = measure.load_frames(folder, wf.workspace, roles=("baseline", "pilot"))
    assert set(frames) == {"tickets", "pilot"} and not problems
    _, gates = pii_scan(wf.workspace, frames, sample=sample)
    assert wf.workspace.business_case is not None
    analyse(wf.workspace.business_case, n=draws)
    assert [u for u in cache.uses if u.kind == "irr"]  # the scenarios' IRRs went through it
    return {u.label: u.reused for u in cache.uses if u.kind != "irr"}, gates


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A tiny workspace after its first run (r1), every analysis computed and stored."""
    folder = tmp_path_factory.mktemp("cached") / "ws"
    (folder / "data").mkdir(parents=True)
    (folder / "aipo.yaml").write_text(AIPO_YAML, encoding="utf-8")
    (folder / "data" / "tickets.csv").write_text(_csv(), encoding="utf-8")
    first, _ = analyses(folder, "r1")
    assert set(first) == {"read of tickets", "read of pilot", "PII scan of tickets",
                          "PII scan of pilot", "business case Monte Carlo"}
    assert not any(first.values())
    cache_mod.deactivate()
    yield folder


@pytest.fixture
def workspace(computed: Path, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ws"
    shutil.copytree(computed, folder)
    yield folder
    cache_mod.deactivate()


def recomputed(again: dict[str, bool]) -> set[str]:
    assert again  # the run asked the cache for something
    return {k for k, reused in again.items() if not reused}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_nothing_changed_reuses_everything_and_fresh_recomputes_it(workspace: Path) -> None:
    second, gates = analyses(workspace, "r2")
    assert recomputed(second) == set()
    assert [g.extra.get("reused") for g in gates] == [
        {"run": "r1", "analyses": [f"PII scan of {g.name.split()[3]}"]} for g in gates]
    # --fresh: every analysis computed again, though nothing changed
    fresh, gates = analyses(workspace, "r3", fresh=True)
    assert recomputed(fresh) == set(second)
    assert not any("reused" in g.extra for g in gates)
    # ... and its results stored: the next run reuses them, from r3
    analyses(workspace, "r4")
    cache = cache_mod.active()
    assert cache is not None and {u.run for u in cache.uses if u.reused} == {"r3"}


def test_one_flipped_byte_in_a_data_file_recomputes_what_reads_it(workspace: Path) -> None:
    data = workspace / "data" / "tickets.csv"
    raw = bytearray(data.read_bytes())
    at = raw.rindex(b"person19")  # a pilot row: same size, one byte other
    raw[at] = ord("P")
    data.write_bytes(bytes(raw))
    # tickets and pilot both read data/tickets.csv (other periods): both recomputed
    assert recomputed(analyses(workspace, "r2")[0]) == {
        "read of tickets", "read of pilot", "PII scan of tickets", "PII scan of pilot"}


def test_a_line_of_the_section_an_analysis_reads_recomputes_it_only(workspace: Path) -> None:
    edit(workspace / "aipo.yaml", "  discount_rate: 0.08", "  discount_rate: 0.09")
    assert recomputed(analyses(workspace, "r2")[0]) == {"business case Monte Carlo"}
    # a source's filter: its read, and the scan of what it read
    edit(workspace / "aipo.yaml", "      where: {period: baseline}",
         "      where: {period: pilot}")
    assert recomputed(analyses(workspace, "r3")[0]) == {"read of tickets", "PII scan of tickets"}


def test_an_unrelated_change_of_aipo_yaml_recomputes_nothing(workspace: Path) -> None:
    edit(workspace / "aipo.yaml", "  name: Tiny product\n", "  name: Small product\n")
    edit(workspace / "aipo.yaml", "name: Tickets (sample)",  # describes, reads nothing
         "name: Tickets (a sample)")
    assert recomputed(analyses(workspace, "r2")[0]) == set()


def test_a_parameter_recomputes_what_takes_it(workspace: Path) -> None:
    assert recomputed(analyses(workspace, "r2", sample=19, draws=51)[0]) == {
        "PII scan of tickets", "PII scan of pilot", "business case Monte Carlo"}


def test_the_kit_version_recomputes_everything(workspace: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_mod, "__version__", "0.0.0+other")
    again, _ = analyses(workspace, "r2")
    assert recomputed(again) == set(again)


def test_the_kit_code_recomputes_everything_within_one_version(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # what code_digest() returns after an edit of any of the kit's modules
    monkeypatch.setattr(cache_mod, "code_digest", lambda: "0" * 64)
    again, _ = analyses(workspace, "r2")
    assert recomputed(again) == set(again)


def test_a_renamed_partition_folder_is_read_again(tmp_path: Path) -> None:
    import pandas as pd

    part = tmp_path / "data" / "logs" / "region=north"
    part.mkdir(parents=True)
    pd.DataFrame({"x": [1, 2]}).to_parquet(part / "part-0.parquet")
    source = DataSource(id="logs", name="Logs", location="data/logs", role="production")
    try:
        cache_mod.activate(tmp_path, run="r1", fresh=False)
        assert cached.read_source(tmp_path, source)["region"].tolist() == ["north", "north"]
        part.rename(part.with_name("region=south"))
        cache = cache_mod.activate(tmp_path, run="r2", fresh=False)
        # same bytes, another path: the column's values come from the folder's name
        assert cached.read_source(tmp_path, source)["region"].tolist() == ["south", "south"]
        assert [u.reused for u in cache.uses] == [False]
    finally:
        cache_mod.deactivate()


def test_only_gates_resting_on_the_reused_analyses_say_so() -> None:
    from aipo_widgets.evidence import Gate, Provenance
    from aipo_widgets.model.cache import Use

    def gates() -> list[Gate]:
        return [Gate("NPV positive", "pass", figure=1, provenance=Provenance.measured("case")),
                Gate("exit X1", "warn", provenance=Provenance.missing("the pilot")),
                Gate("volume", "warn", figure=3, provenance=Provenance.typed("drivers.volume"))]

    reused = Use("business_case", "business case Monte Carlo", True, "r1")
    npv, missing, typed = cached.mark(gates(), [reused])
    assert npv.extra["reused"] == {"run": "r1", "analyses": ["business case Monte Carlo"]}
    assert "reused" in npv.provenance.note
    for g in (missing, typed):
        assert "reused" not in g.extra and "reused" not in g.provenance.describe()
    # an analysis this run computed earlier: nothing is reused
    earlier = Use("business_case", "business case Monte Carlo", False, "r1", why="this run")
    assert not any("reused" in g.extra for g in cached.mark(gates(), [earlier]))
