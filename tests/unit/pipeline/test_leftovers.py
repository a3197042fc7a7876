"""Atomic writes and what a killed save or run leaves behind (issue 14, finding 7)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.model import atomic
from aipo_widgets.model.atomic import clean_leftovers
from aipo_widgets.model.workspace import load
from aipo_widgets.pipeline.kernels import OWNER_FILE, clean_kernel_folders
from aipo_widgets.pipeline.runner import PARTIAL, RUNNING, mark_interrupted_runs


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def aged(path: Path, seconds: float = 3600) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def test_old_temporary_files_go_new_ones_and_others_stay(tmp_path: Path) -> None:
    old = tmp_path / ".aipo.yaml.abc123.tmp"
    old.write_text("half")
    aged(old)
    fresh = tmp_path / ".aipo.yaml.def456.tmp"
    fresh.write_text("a save in progress")
    keep = tmp_path / "notes.tmp"
    keep.write_text("mine")
    aged(keep)
    assert clean_leftovers(tmp_path) == [old]
    assert not old.exists() and fresh.exists() and keep.exists()


def test_a_save_cleans_what_a_killed_save_left(small_ws: Path) -> None:
    left = small_ws / ".aipo.yaml.x9q2.tmp"
    left.write_text("product: {name: torn")
    aged(left)
    wf = load(small_ws)
    wf.workspace.product.owner = "Someone Else"
    assert wf.save()
    assert not left.exists()
    assert sorted(p.name for p in small_ws.iterdir() if p.name.endswith(".tmp")) == []


def test_a_run_folder_of_a_killed_run_is_marked_partial(tmp_path: Path) -> None:
    killed = tmp_path / "reports" / "20261207-0800-aaaa"
    killed.mkdir(parents=True)
    (killed / RUNNING).write_text(f"{dead_pid()}\n")
    running = tmp_path / "reports" / "20261207-0900-bbbb"
    running.mkdir()
    (running / RUNNING).write_text(f"{os.getppid()}\n")  # a live process
    assert mark_interrupted_runs(tmp_path / "reports") == [killed]
    assert "did not finish" in (killed / PARTIAL).read_text()
    assert not (killed / RUNNING).exists()
    assert (running / RUNNING).exists() and not (running / PARTIAL).exists()


def test_kernel_folders_of_dead_owners_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / "aipo-kernel-dead1234"
    live = tmp_path / "aipo-kernel-live1234"
    unknown = tmp_path / "aipo-kernel-none1234"
    for folder in (dead, live, unknown):
        folder.mkdir()
        (folder / "kernel.json").write_text("{}")
    (dead / OWNER_FILE).write_text(f"{dead_pid()}\n")
    (live / OWNER_FILE).write_text(f"{os.getppid()}\n")
    assert clean_kernel_folders(str(tmp_path)) == [str(dead)]
    assert not dead.exists() and live.exists() and unknown.exists()


def test_the_drift_reference_is_written_atomically(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "drift_reference.json"
    ref = Reference.from_frame(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}))
    ref.to_json(target)
    before = target.read_bytes()

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the moment of a kill, before the rename

    monkeypatch.setattr(atomic.os, "replace", killed)
    bigger = Reference.from_frame(pd.DataFrame({"x": [float(i) for i in range(50)]}))
    with pytest.raises(KeyboardInterrupt):
        bigger.to_json(target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["drift_reference.json"]
