"""The operate phase reads its production log from CSV, a Parquet folder or PostgreSQL alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from aipo_widgets.analysis.source_engines import quiet as quiet_engine
from aipo_widgets.examples import write_example
from aipo_widgets.notebook import _phase
from aipo_widgets.notebook import operate as operate_facade
from aipo_widgets.notebook.operate import Operate

LOG = "data/production_window.csv"


@pytest.fixture(autouse=True)
def quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_phase, "show", lambda value: None)
    monkeypatch.setattr(operate_facade, "show", lambda value: None)


def verdicts(folder: Path) -> dict[str, tuple[str, object]]:
    phase = Operate.open(folder)
    phase.drift()
    phase.latest_window(n_boot=0)
    phase.alerts()
    phase.retrain()
    out = {}
    for g in phase.gates:
        figure = round(g.figure, 9) if isinstance(g.figure, float) else g.figure
        out[g.name] = (g.verdict, figure)
    return out


def relocate(folder: Path, where: str) -> None:
    text = (folder / "aipo.yaml").read_text()
    assert f"location: {LOG}\n" in text
    (folder / "aipo.yaml").write_text(text.replace(f"location: {LOG}\n", where))


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("engines") / "pm"
    write_example("predictive-maintenance", folder)
    return folder, verdicts(folder)


def test_a_parquet_folder_gives_the_csv_verdicts(csv_run, tmp_path: Path) -> None:
    source, expected = csv_run
    folder = tmp_path / "pm"
    shutil.copytree(source, folder)
    frame = pd.read_csv(folder / LOG)
    (folder / "data" / "production").mkdir()
    half = len(frame) // 2
    frame.iloc[:half].to_parquet(folder / "data" / "production" / "part-0.parquet")
    frame.iloc[half:].to_parquet(folder / "data" / "production" / "part-1.parquet")
    (folder / LOG).unlink()
    relocate(folder, "location: data/production/\n")
    assert verdicts(folder) == expected
    assert any(v != "pass" for v, _ in expected.values())  # the comparison can tell


def test_a_postgres_table_gives_the_csv_verdicts(csv_run, tmp_path: Path, pg_server,
                                                 monkeypatch) -> None:
    import ibis

    source, expected = csv_run
    folder = tmp_path / "pm"
    shutil.copytree(source, folder)
    frame = pd.read_csv(folder / LOG)
    con = ibis.postgres.connect(host=pg_server.host, port=pg_server.port, user=pg_server.user,
                                password=pg_server.password, database=pg_server.database)
    with quiet_engine():  # Ibis 12's pandas-3 notice while it converts the frame
        con.create_table("production_window", frame, overwrite=True)
    con.disconnect()
    (folder / LOG).unlink()
    monkeypatch.setenv("AIPO_TEST_PG_PASSWORD", pg_server.password)
    indent = " " * 6
    relocate(folder, f"engine: postgres\n{indent}url: {pg_server.url}\n"
                     f"{indent}password_env: AIPO_TEST_PG_PASSWORD\n"
                     f"{indent}table: public.production_window\n")
    assert verdicts(folder) == expected
