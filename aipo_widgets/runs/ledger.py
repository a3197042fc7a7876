"""The run ledger: every ``aipo run`` of a workspace, with its gates and figures, in SQLite.

``reports/ledger.sqlite`` (standard library ``sqlite3``, WAL mode so that a reader, such as the
stakeholder page, never blocks a run) keeps one row per run and per gate and figure, so that
``aipo status --trend NAME`` and the pages can show how a figure moved across runs. A gate keeps
where its figure came from (its provenance: measured, typed, carried or missing) and a run the
product's verdict after it, as ``results.json`` holds them.

Examples
--------
>>> import tempfile, pathlib
>>> db = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.sqlite")
>>> db.add_run({"id": "r1", "started": "2026-11-26T10:00:00Z", "finished": "2026-11-26T10:01:00Z",
...             "exit_code": 0, "git_commit": None, "parameters": {}, "strict": False,
...             "phases": [{"phase": "discovery", "status": "ok", "seconds": 3.2,
...                          "verdict": "pass",
...                          "gates": [{"name": "baseline", "verdict": "pass", "figure": 18.4,
...                                     "threshold": None, "detail": ""}],
...                          "figures": {"baseline_min": 18.4}}]})
>>> db.trend("baseline_min")
[('r1', '2026-11-26T10:00:00Z', 'discovery', 18.4)]
>>> db.close()
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from aipo_widgets.errors import DataError, Problem

_P = ParamSpec("_P")
_T = TypeVar("_T")


def unreadable(path: Path, exc: Exception) -> DataError:
    """Return the error for a run file that cannot be read (corrupt, truncated, not the kit's).

    Examples
    --------
    >>> print(unreadable(Path("reports/ledger.sqlite"), ValueError("file is not a database")))
    reports/ledger.sqlite: cannot be read: file is not a database (delete it; the next aipo run \
writes it again)
    """
    # A CI cache or a copy can restore a broken file: the person can mend it, the kit cannot.
    return DataError([Problem(f"cannot be read: {exc}", file=str(path), code="corrupt_run_file",
                              fix="delete it; the next aipo run writes it again")])


def _readable(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """Turn a damaged database's errors in ``method`` into :func:`unreadable`'s located error."""
    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(*args, **kwargs)
        except sqlite3.DatabaseError as exc:
            ledger = args[0]
            assert isinstance(ledger, Ledger)
            raise unreadable(ledger.path, exc) from exc
    return wrapper

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT, exit_code INTEGER,
  git_commit TEXT, parameters TEXT, strict INTEGER, verdict TEXT, product_verdict TEXT
);
CREATE TABLE IF NOT EXISTS phases (
  run_id TEXT NOT NULL REFERENCES runs(id), phase TEXT NOT NULL, status TEXT, verdict TEXT,
  seconds REAL, notebook TEXT, html TEXT, error TEXT, PRIMARY KEY (run_id, phase)
);
CREATE TABLE IF NOT EXISTS gates (
  run_id TEXT NOT NULL REFERENCES runs(id), phase TEXT NOT NULL, name TEXT NOT NULL,
  verdict TEXT NOT NULL, figure TEXT, threshold TEXT, detail TEXT, provenance TEXT
);
CREATE TABLE IF NOT EXISTS figures (
  run_id TEXT NOT NULL REFERENCES runs(id), phase TEXT NOT NULL, name TEXT NOT NULL,
  value TEXT
);
CREATE INDEX IF NOT EXISTS figures_by_name ON figures(name);
CREATE INDEX IF NOT EXISTS gates_by_name ON gates(name);
"""

# Columns added since the first ledgers were written: (table, column). A ledger without them
# gets them on opening; their rows from before read as None.
_ADDED = (("runs", "product_verdict"), ("gates", "provenance"))


def _encode(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class Ledger:
    """The SQLite run ledger of one workspace.

    Parameters
    ----------
    path : pathlib.Path
        The database file (created with its folder when missing).

    Raises
    ------
    aipo_widgets.errors.DataError
        When the file is no ledger (corrupt, truncated): it names the file and the fix.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30)
        try:
            self._setup()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise unreadable(self.path, exc) from exc

    def _setup(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        for table, column in _ADDED:
            have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                with self._db:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @_readable
    def add_run(self, run: dict[str, Any]) -> None:
        """Record one run (the ``results.json`` payload of :mod:`aipo_widgets.pipeline.runner`)."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO runs (id, started, finished, exit_code, git_commit, "
                "parameters, strict, verdict, product_verdict) VALUES (?,?,?,?,?,?,?,?,?)",
                (run["id"], run["started"], run.get("finished"), run.get("exit_code"),
                 run.get("git_commit"), json.dumps(run.get("parameters") or {}),
                 int(bool(run.get("strict"))), run.get("verdict"),
                 _encode(run.get("product_verdict"))),
            )
            for ph in run.get("phases", []):
                self._db.execute(
                    "INSERT OR REPLACE INTO phases VALUES (?,?,?,?,?,?,?,?)",
                    (run["id"], ph["phase"], ph.get("status"), ph.get("verdict"),
                     ph.get("seconds"), ph.get("notebook"), ph.get("html"), ph.get("error")),
                )
                for g in ph.get("gates", []):
                    self._db.execute(
                        "INSERT INTO gates (run_id, phase, name, verdict, figure, threshold, "
                        "detail, provenance) VALUES (?,?,?,?,?,?,?,?)",
                        (run["id"], ph["phase"], g["name"], g["verdict"], _encode(g.get("figure")),
                         _encode(g.get("threshold")), g.get("detail", ""),
                         _encode(g.get("provenance"))),
                    )
                for name, value in (ph.get("figures") or {}).items():
                    self._db.execute("INSERT INTO figures VALUES (?,?,?,?)",
                                     (run["id"], ph["phase"], name, _encode(value)))

    @_readable
    def runs(self) -> list[dict[str, Any]]:
        """Return every run, oldest first."""
        cur = self._db.execute(
            "SELECT id, started, finished, exit_code, git_commit, parameters, strict, verdict, "
            "product_verdict FROM runs ORDER BY started, id")
        keys = ["id", "started", "finished", "exit_code", "git_commit", "parameters", "strict",
                "verdict", "product_verdict"]
        out = []
        for row in cur.fetchall():
            d = dict(zip(keys, row, strict=True))
            d["parameters"] = json.loads(d["parameters"] or "{}")
            d["strict"] = bool(d["strict"])
            d["product_verdict"] = _decode(d["product_verdict"])
            out.append(d)
        return out

    @_readable
    def gates(self, run_id: str) -> list[dict[str, Any]]:
        """Return the gates of one run."""
        cur = self._db.execute(
            "SELECT phase, name, verdict, figure, threshold, detail, provenance FROM gates "
            "WHERE run_id=? ORDER BY rowid", (run_id,))
        return [{"phase": p, "name": n, "verdict": v, "figure": _decode(f),
                 "threshold": _decode(t), "detail": d, "provenance": _decode(pr)}
                for p, n, v, f, t, d, pr in cur.fetchall()]

    @_readable
    def trend(self, name: str) -> list[tuple[str, str, str, Any]]:
        """Return ``(run_id, started, phase, value)`` of a figure or gate figure across runs.

        Parameters
        ----------
        name : str
            A figure name, or a gate name (its figure is used).
        """
        cur = self._db.execute(
            "SELECT r.id, r.started, f.phase, f.value FROM figures f JOIN runs r ON r.id=f.run_id "
            "WHERE f.name=? UNION ALL "
            "SELECT r.id, r.started, g.phase, g.figure FROM gates g JOIN runs r ON r.id=g.run_id "
            "WHERE g.name=? ORDER BY 2, 1", (name, name))
        return [(rid, started, phase, _decode(v)) for rid, started, phase, v in cur.fetchall()]

    @_readable
    def series(self) -> dict[str, list[tuple[str, str, Any]]]:
        """Return every key figure across runs: name to ``(run_id, started, value)``, oldest first.

        One value a run: where several phases of a run recorded the same figure (the business
        case's NPV in discovery and experiments), the last phase's. Gates' figures are left out
        (:meth:`trend` gives one gate's).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> db = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.sqlite")
        >>> for i, npv in enumerate([1.2e6, 1.7e6]):
        ...     db.add_run({"id": f"r{i}", "started": f"2026-11-2{i}", "phases": [
        ...         {"phase": p, "figures": {"npv": npv}} for p in ("discovery", "experiments")]})
        >>> db.series()
        {'npv': [('r0', '2026-11-20', 1200000.0), ('r1', '2026-11-21', 1700000.0)]}
        """
        cur = self._db.execute(
            "SELECT f.name, r.id, r.started, f.value FROM figures f JOIN runs r ON r.id=f.run_id "
            "ORDER BY f.name, r.started, r.id, f.rowid")
        out: dict[str, dict[str, tuple[str, str, Any]]] = {}
        for name, rid, started, value in cur.fetchall():
            out.setdefault(name, {})[rid] = (rid, started, _decode(value))
        return {name: list(runs.values()) for name, runs in out.items()}

    @_readable
    def names(self) -> list[str]:
        """Return every figure and gate name in the ledger (for did-you-mean messages)."""
        cur = self._db.execute("SELECT DISTINCT name FROM figures UNION SELECT DISTINCT name "
                               "FROM gates ORDER BY 1")
        return [r[0] for r in cur.fetchall()]
