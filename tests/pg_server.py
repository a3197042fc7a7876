"""A throw-away PostgreSQL server for the tests, from Debian's server binaries.

One cluster in a temporary folder, on a free port of 127.0.0.1, password (SCRAM) login, fsync
off; started once per test run by a session fixture and removed after. As root, the server runs
as the `postgres` user (PostgreSQL refuses root). `make test` installs the binaries when missing
(.ci/ensure-postgres.sh); without them the tests that need the server skip with that reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "aipo"
PASSWORD = "aipo-test-only"


@dataclass(frozen=True)
class Server:
    """A running test server: where it listens and how to log in."""

    host: str
    port: int
    user: str
    password: str
    database: str
    folder: Path

    @property
    def url(self) -> str:
        """The connection URL as aipo.yaml writes it: without the password."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    def connect(self):
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password, dbname=self.database, autocommit=True)


def bindir() -> Path | None:
    """Return the folder of initdb, pg_ctl and postgres, None when the server is missing."""
    candidates = [os.environ.get("AIPO_PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                         else 0, reverse=True)
    for c in candidates:
        if c and all((Path(c) / b).is_file() for b in ("initdb", "pg_ctl", "postgres")):
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def start() -> Server:
    """Start a fresh cluster; raise RuntimeError saying why when it cannot run."""
    bins = bindir()
    if bins is None:
        raise RuntimeError("PostgreSQL's server binaries are missing (sudo apt-get install -y "
                           "postgresql, or set AIPO_PG_BINDIR); make test installs them")
    folder = Path(tempfile.mkdtemp(prefix="aipo-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, pwfile = folder / "data", folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, "postgres", "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(_as_server_user([
            str(bins / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}",
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"]), **run)
        options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        subprocess.run(_as_server_user([
            str(bins / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
            "-w", "-t", "60", "start"]), **run)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log = (folder / "log").read_text() if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        detail = getattr(exc, "stderr", "") or ""
        raise RuntimeError(f"the test PostgreSQL server did not start: {detail}{log}") from None
    return Server("127.0.0.1", port, USER, PASSWORD, "postgres", folder)


def stop(server: Server) -> None:
    """Stop the cluster and remove its folder."""
    bins = bindir()
    if bins is not None:
        subprocess.run(_as_server_user([
            str(bins / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "-w",
            "stop"]), capture_output=True, timeout=60, check=False)
    shutil.rmtree(server.folder, ignore_errors=True)
