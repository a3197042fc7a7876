"""A guided start: `aipo init --interactive` and `aipo add source`, as a person runs them."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import sys
from pathlib import Path

import pandas as pd
import pytest

from aipo_widgets.cli import main
from aipo_widgets.examples import example_yaml
from aipo_widgets.model.start_yaml import guided_text
from aipo_widgets.model.workspace import load

CSV = "created_at,ticket_id,language,risk_score,failed_7d,notes,latency_ms\n" + "".join(
    f"2026-11-{1 + i % 28:02d}T08:00:00,{i},{'de' if i % 3 else 'en'},{i % 10 / 10},{i % 2},"
    f"\"Customer wrote from jana{i}@example.com about the invoice and the delivery\","
    f"{100 + i}\n" for i in range(60))


def run(argv: list[str], stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def test_init_interactive_from_a_pipe_writes_a_valid_commented_file(tmp_path, monkeypatch,
                                                                     capsys) -> None:
    (tmp_path / "tickets.csv").write_text(CSV)
    monkeypatch.chdir(tmp_path)
    answers = "Ticket triage: EU\nJana Keller\nprovider\n2026-09-01\ntickets.csv\n\nbaseline\n"
    assert run(["init", "ws", "--interactive"], answers, monkeypatch) == 0
    out = capsys.readouterr().out
    assert "What is our role under the EU AI Act?" in out and "Added data source" in out
    ws = load(tmp_path / "ws").workspace
    assert (ws.product.name, ws.product.owner, str(ws.product.start_date)) == (
        "Ticket triage: EU", "Jana Keller", "2026-09-01")
    assert ws.compliance.ai_act.role == "provider"
    src = ws.source("tickets")
    assert src.role == "baseline" and src.personal_data
    assert (src.time_column, src.score_column, src.label_column, src.group_columns,
            src.text_columns) == ("created_at", "risk_score", "failed_7d", ["language"],
                                  ["notes"])
    text = (tmp_path / "ws" / "aipo.yaml").read_text()
    assert "# the AI product owner accountable for it" in text
    assert "60 rows, 7 columns, dated 2026-11-01 to 2026-11-28" in text
    assert "notes (EMAIL in 60 rows)" in text
    assert (tmp_path / "ws" / "notebooks" / "01_discovery.ipynb").is_file()
    assert main(["validate", str(tmp_path / "ws")]) == 0


def test_flags_answer_without_a_terminal_and_a_bad_answer_writes_nothing(tmp_path, monkeypatch,
                                                                        capsys) -> None:
    flags = ["--name", "P", "--owner", "O", "--start-date", "2026-09-01", "--source", ""]
    # no stdin at all: every question answered by its flag
    assert run(["init", str(tmp_path / "a"), *flags, "--role", "deployer"], "", monkeypatch) == 0
    assert "?" not in capsys.readouterr().out.split("Created")[0]
    assert "aipo add source NAME LOCATION" in (tmp_path / "a" / "aipo.yaml").read_text()
    assert run(["init", str(tmp_path / "b"), *flags, "--role", "user"], "", monkeypatch) == 2
    err = capsys.readouterr().err
    assert "'user' is not a role" in err and "--role" in err
    assert not (tmp_path / "b").exists()
    # a piped answer that is wrong fails at once, without asking again
    assert run(["init", str(tmp_path / "c"), "--interactive"],
               "P\nO\ndeployer\n1 September\n", monkeypatch) == 2
    assert "is not a date; write it as YYYY-MM-DD" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()
    # a first source that is not there: said before anything is made
    assert run(["init", str(tmp_path / "d"), *flags[:-1], "nothere.csv", "--role", "deployer"],
               "", monkeypatch) == 2
    assert "--source: nothing is at nothere.csv" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_init_interactive_never_overwrites(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "aipo.yaml").write_text("mine\n")
    (tmp_path / "data.csv").write_text("x\n1\n")
    assert run(["init", str(tmp_path), "--interactive"], "P\nO\n", monkeypatch) == 2
    assert "aipo.yaml exists; nothing was written" in capsys.readouterr().err
    assert (tmp_path / "aipo.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aipo.yaml", "data.csv"]


def test_add_source_keeps_the_rest_of_the_file_byte_for_byte(tmp_path, capsys) -> None:
    # The support example: 1,300 commented lines written by hand, a data map already there.
    before = example_yaml("support-summaries").decode()
    (tmp_path / "aipo.yaml").write_text(before)
    frame = pd.read_csv(io.StringIO(CSV))
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    (tmp_path / "logs").mkdir()
    frame.to_parquet(tmp_path / "logs" / "part-0.parquet")
    assert main(["add", "source", "ticket_log", "logs/", "--dir", str(tmp_path),
                 "--map", "risk_score=prediction", "--role", "production"]) == 0
    after = (tmp_path / "aipo.yaml").read_text()
    ops = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(),
                                  autojunk=False).get_opcodes()
    assert [op for op in ops if op[0] != "equal"] and all(
        op[0] in ("equal", "insert") for op in ops)
    added = [line for op in ops if op[0] == "insert" for line in after.splitlines()[op[3]:op[4]]]
    assert any("timestamp" in line and "created_at" in line for line in added)
    src = load(tmp_path).workspace.source("ticket_log")
    assert (src.location, src.time_column, src.score_column, src.role) == (
        "logs/", "created_at", "risk_score", "production")
    # the same id again: refused, with the line it is declared on, and nothing written
    assert main(["add", "source", "ticket_log", "logs/", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    line = [s.strip() for s in after.splitlines()].index("- id: ticket_log") + 1
    assert f"aipo.yaml:{line}" in err and "declared already; nothing was written" in err
    assert (tmp_path / "aipo.yaml").read_text() == after


def test_add_source_errors_name_the_column_and_the_fix(tmp_path, capsys) -> None:
    (tmp_path / "aipo.yaml").write_bytes(example_yaml("blank"))
    (tmp_path / "t.csv").write_text(CSV)
    before = (tmp_path / "aipo.yaml").read_bytes()
    assert main(["add", "source", "t", "t.csv", "--dir", str(tmp_path),
                 "--map", "creatd_at=time", "--map", "notes=latency"]) == 2
    err = capsys.readouterr().err
    assert "no column 'creatd_at' (time) (did you mean 'created_at'?)" in err
    assert "column 'notes' (latency) holds string, not numbers" in err
    assert main(["add", "source", "t", "t.csv", "--dir", str(tmp_path),
                 "--map", "notes=colour"]) == 2
    assert "'colour' is not one of the kit's roles" in capsys.readouterr().err
    assert main(["add", "source", "t", "missing.csv", "--dir", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert (tmp_path / "aipo.yaml").read_bytes() == before
    # --dry-run says what it would add, and writes nothing
    assert main(["add", "source", "t", "t.csv", "--dir", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Nothing written (--dry-run)" in out and "+     - id: t" in out
    assert (tmp_path / "aipo.yaml").read_bytes() == before
    # the blank template's commented sections stay as they were; the data map follows them
    assert main(["add", "source", "t", "t.csv", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / "aipo.yaml").read_text().startswith(before.decode())


def test_add_a_postgres_table_with_its_mapping(pg_server, tmp_path, monkeypatch, capsys) -> None:
    with pg_server.connect() as con:
        con.execute("CREATE TABLE IF NOT EXISTS guided_orders (order_id int, placed_at "
                    "timestamp, region text, churn_score double precision, churned boolean)")
        con.execute("TRUNCATE guided_orders")
        con.execute("INSERT INTO guided_orders SELECT g, timestamp '2026-11-01' + g * "
                    "interval '1 hour', CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, "
                    "g / 50.0, g % 3 = 0 FROM generate_series(1, 48) g")
    (tmp_path / "aipo.yaml").write_bytes(example_yaml("blank"))
    monkeypatch.setenv("AIPO_GUIDED_PG", pg_server.password)
    assert main(["add", "source", "orders", pg_server.url, "--dir", str(tmp_path),
                 "--table", "public.guided_orders", "--password-env", "AIPO_GUIDED_PG",
                 "--map", "churned=label"]) == 0
    out = capsys.readouterr().out
    assert "48 rows, 5 columns, dated 2026-11-01 to 2026-11-03" in out
    src = load(tmp_path).workspace.source("orders")
    assert (src.engine, src.table, src.password_env) == ("postgres", "public.guided_orders",
                                                         "AIPO_GUIDED_PG")
    assert (src.id_column, src.time_column, src.score_column, src.label_column,
            src.group_columns) == ("order_id", "placed_at", "churn_score", "churned",
                                   ["region"])
    assert pg_server.password not in (tmp_path / "aipo.yaml").read_text()
    monkeypatch.setenv("AIPO_GUIDED_PG", "wrong")
    assert main(["add", "source", "orders2", pg_server.url, "--dir", str(tmp_path),
                 "--table", "public.guided_orders", "--password-env", "AIPO_GUIDED_PG"]) == 2
    assert "check the user in url and the password in AIPO_GUIDED_PG" in capsys.readouterr().err


@pytest.mark.parametrize("pairs", [["x"], ["=time"]])
def test_a_map_that_is_not_column_equals_role(tmp_path, pairs, capsys) -> None:
    (tmp_path / "aipo.yaml").write_bytes(example_yaml("blank"))
    (tmp_path / "t.csv").write_text(CSV)
    assert main(["add", "source", "t", "t.csv", "--dir", str(tmp_path),
                 *[a for p in pairs for a in ("--map", p)]]) == 2
    assert "is not COLUMN=ROLE" in capsys.readouterr().err


def test_where_the_guided_file_points_next(tmp_path: Path) -> None:
    text = guided_text(name="P", owner="O", role="deployer", start_date=dt.date(2026, 9, 1))
    assert "--example blank" in text and text.endswith("inspects a source and adds it.\n")
