"""The workspace's analysis cache: keys, reuse, bounds, concurrent writers, broken entries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from aipo_widgets.model import cache as cache_mod
from aipo_widgets.model.cache import JSON, Cache, canonical, file_digest


def _counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> object:
        calls.append(1)
        return value

    return calls, compute


def test_a_second_cache_reuses_what_the_first_stored(tmp_path: Path) -> None:
    first = Cache(tmp_path, run="r1")
    key = first.key("bc", {"n": 5000})
    calls, compute = _counting({"npv": 1.5, "draws": [1, 2.25]})
    assert first.remember("bc", "business case", key, compute, *JSON) == {"npv": 1.5,
                                                                           "draws": [1, 2.25]}
    second = Cache(tmp_path, run="r2")
    assert second.remember("bc", "business case", key, compute, *JSON) == {"npv": 1.5,
                                                                            "draws": [1, 2.25]}
    assert len(calls) == 1
    (use,) = second.uses
    assert use.reused and use.run == "r1"
    assert use.describe() == "business case: reused from run r1, inputs unchanged"
    assert first.uses[0].describe() == "business case: computed (inputs changed or new)"


def test_fresh_computes_again_and_replaces_the_entry(tmp_path: Path) -> None:
    key = Cache(tmp_path).key("k", 1)
    Cache(tmp_path, run="r1").remember("k", "k", key, lambda: 1, *JSON)
    fresh = Cache(tmp_path, run="r2", fresh=True)
    assert fresh.remember("k", "k", key, lambda: 2, *JSON) == 2
    assert fresh.uses[0].describe() == "k: computed (--fresh)"
    later = Cache(tmp_path, run="r3")
    assert later.remember("k", "k", key, lambda: 3, *JSON) == 2
    assert later.uses[0].run == "r2"


def test_the_key_is_canonical_and_changes_with_every_input(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    c = Cache(tmp_path)
    section = {"discount_rate": 0.08, "drivers": [{"id": "a", "low": 1.0}]}
    same_other_order = {"drivers": [{"low": 1, "id": "a"}], "discount_rate": 0.08}
    assert canonical(section) == canonical(same_other_order)
    base = c.key("bc", section, {"n": 5000})
    assert c.key("bc", same_other_order, {"n": 5000}) == base
    assert c.key("bc", {**section, "discount_rate": 0.09}, {"n": 5000}) != base  # section
    assert c.key("bc", section, {"n": 5001}) != base  # parameter
    assert c.key("pii", section, {"n": 5000}) != base  # analysis
    monkeypatch.setattr(cache_mod, "__version__", "9.9.9")
    assert c.key("bc", section, {"n": 5000}) != base  # the kit's version
    with pytest.raises(TypeError, match="plain data"):
        c.key("bc", object())


def test_the_code_digest_follows_a_byte_or_a_name_of_the_kit_s_modules(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c = Cache(tmp_path)
    base = c.key("bc", {"n": 5000})
    package = tmp_path / "pkg"
    (package / "analysis").mkdir(parents=True)
    module = package / "analysis" / "pii.py"
    module.write_text("RULES = 1\n")
    monkeypatch.setattr(cache_mod, "_PACKAGE", package)

    def digest() -> str:
        cache_mod._CODE.clear()  # a new process: the digest is computed again
        return cache_mod.code_digest()

    monkeypatch.setattr(cache_mod, "_CODE", [])
    first = digest()
    assert c.key("bc", {"n": 5000}) != base  # the same version, other code: another key
    module.write_text("RULES = 2\n")  # one byte of one module
    second = digest()
    module.rename(package / "analysis" / "pii_rules.py")  # the same bytes, another module
    assert len({first, second, digest()}) == 3


def test_a_file_digest_follows_one_flipped_byte_and_skips_unchanged_files(tmp_path: Path
                                                                          ) -> None:
    data = tmp_path / "tickets.csv"
    data.write_bytes(b"id,text\n1,hello\n")
    folder = tmp_path / "cache"
    before = file_digest(data, folder)
    records = json.loads((folder / "files.json").read_text())
    assert records[str(data.resolve())][3] == before
    # The same size, mtime and inode: the recorded digest, not a new read (proved by a record
    # we falsify: an unchanged file is not read again).
    records[str(data.resolve())][3] = "recorded"
    (folder / "files.json").write_text(json.dumps(records))
    assert file_digest(data, folder) == "recorded"
    # One byte flipped in place (same size), its mtime set one second on: whatever the file
    # system's mtime resolution, the state differs and the file is hashed again.
    st = data.stat()
    raw = bytearray(data.read_bytes())
    raw[-2] ^= 1
    data.write_bytes(bytes(raw))
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert file_digest(data, folder) not in (before, "recorded")


def test_a_broken_entry_is_ignored_and_computed_again(tmp_path: Path) -> None:
    c = Cache(tmp_path, run="r1")
    key = c.key("k", "x")
    c.remember("k", "k", key, lambda: {"v": 1}, *JSON)
    entry = c.folder / "k" / key
    entry.write_bytes(entry.read_bytes()[:-3])  # cut short
    again = Cache(tmp_path, run="r2")
    assert again.remember("k", "k", key, lambda: {"v": 2}, *JSON) == {"v": 2}
    assert again.uses[0].why == "unreadable entry"
    assert Cache(tmp_path).remember("k", "k", key, lambda: {"v": 3}, *JSON) == {"v": 2}
    # A payload its decoder cannot take counts as broken too.
    entry.write_bytes(b"not a header\n{}")
    assert Cache(tmp_path).remember("k", "k", key, lambda: {"v": 4}, *JSON) == {"v": 4}


def test_the_cache_keeps_within_its_limit_dropping_the_least_recently_used(tmp_path: Path
                                                                            ) -> None:
    c = Cache(tmp_path, max_bytes=14_000)
    keys = [c.key("k", i) for i in range(4)]
    for i, key in enumerate(keys):
        c.remember("k", f"entry {i}", key, lambda: "x" * 3000, *JSON)
        os.utime(c.folder / "k" / key, (1000 + i, 1000 + i))
    # Using entry 0 makes it the most recent; the next write drops entry 1, the oldest.
    assert c.read("k", keys[0]) is not None
    c.remember("k", "entry 4", c.key("k", 4), lambda: "x" * 3000, *JSON)
    left = {p.name for p, _, _ in c.entries()}
    assert keys[1] not in left and keys[0] in left
    assert sum(size for _, size, _ in c.entries()) <= 14_000


_WRITER = textwrap.dedent("""
    import sys
    from aipo_widgets.model.cache import JSON, Cache
    folder, who = sys.argv[1], sys.argv[2]
    for round_ in range(40):
        for i in range(5):
            c = Cache(folder, run=who)
            key = c.key("k", i)
            value = c.remember("k", f"entry {i}", key, lambda: {"i": i, "pad": "p" * 20000},
                               *JSON)
            assert value["i"] == i, value
            c.write("k", key, JSON[0]({"i": i, "pad": "p" * 20000}))
""")


def test_two_processes_writing_and_reading_the_same_entries(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path), who], env=env,
                              stderr=subprocess.PIPE, text=True) for who in ("a", "b")]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    c = Cache(tmp_path)
    assert sorted(p.name for p, _, _ in c.entries()) == sorted(c.key("k", i) for i in range(5))
    for i in range(5):  # every entry whole, none left half-written
        header, _ = c.read("k", c.key("k", i)) or ({}, b"")
        assert header["run"] in ("a", "b")
    assert not [p for p in (c.folder / "k").iterdir() if p.name.startswith(".")]


def test_activate_reads_what_aipo_run_hands_the_kernel(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache_mod.ENV_RUN, "20261207T1200Z-ab12")
    monkeypatch.setenv(cache_mod.ENV_FRESH, "1")
    monkeypatch.setenv(cache_mod.ENV_MAX_MB, "2")
    try:
        c = cache_mod.activate(tmp_path)
        assert cache_mod.active() is c
        assert (c.run, c.fresh, c.max_bytes) == ("20261207T1200Z-ab12", True, 2 * 2**20)
    finally:
        cache_mod.deactivate()
    assert cache_mod.active() is None


def test_an_entry_this_run_computed_is_not_reuse_from_a_run(tmp_path: Path) -> None:
    first = Cache(tmp_path, run="r1")
    first.remember("irr", "IRR of the cash flows", "k", lambda: [1], *JSON)
    first.remember("irr", "IRR of the cash flows", "k", lambda: [2], *JSON)  # the same run
    assert [u.describe() for u in first.uses] == [
        "IRR of the cash flows: computed (inputs changed or new)",
        "IRR of the cash flows: computed earlier in this run"]
    assert not any(u.reused for u in first.uses)
    second = Cache(tmp_path, run="r2")
    assert second.remember("irr", "IRR of the cash flows", "k", lambda: [3], *JSON) == [1]
    assert second.uses[0].describe() == (
        "IRR of the cash flows: reused from run r1, inputs unchanged")


def test_an_entry_over_half_the_limit_is_never_written_nor_evicts_others(tmp_path: Path
                                                                        ) -> None:
    cache = Cache(tmp_path, run="r1", max_bytes=1000)
    cache.remember("small", "small result", "s", lambda: "y" * 10, *JSON)
    for run in ("r1", "r2"):
        cache = Cache(tmp_path, run=run, max_bytes=1000)
        calls, compute = _counting("x" * 5000)
        assert cache.remember("big", "big frame", "b", compute, *JSON) == "x" * 5000
        assert calls == [1]
        assert cache.uses[-1].describe() == (
            "big frame: computed (too large to keep: over half the cache's limit)")
    # the small entry was not pushed out by a write of the big one
    assert [p.name for p, _, _ in cache.entries()] == ["s"]
    assert not (cache.folder / "big").exists()


def test_pruning_removes_the_leftovers_of_killed_writes_older_than_an_hour(tmp_path: Path
                                                                          ) -> None:
    cache = Cache(tmp_path, run="r1")
    cache.write("pii", "k1", b"{}")
    now = time.time()
    old = cache.folder / "pii" / ".k2.x1y2.tmp"
    recent = cache.folder / "pii" / ".k3.x3y4.tmp"  # a write of another run, under way
    stale_digests = cache.folder / ".files.json.a1.tmp"
    for path, age in ((old, 7200), (recent, 600), (stale_digests, 7200)):
        path.write_bytes(b"half an entry")
        os.utime(path, (now - age, now - age))
    cache.prune()
    assert not old.exists() and not stale_digests.exists()
    assert recent.exists() and (cache.folder / "pii" / "k1").exists()


def test_the_gitignore_keeps_the_cache_out_once(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc")  # someone's own, without a last newline
    cache_mod.ignore_in_git(tmp_path)
    cache_mod.ignore_in_git(tmp_path)
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[0] == "*.pyc" and lines.count("reports/cache/") == 1
