"""The Jupyter server extension behind JupyterLab's AI-product panel.

Enabled by ``pip install`` (``etc/jupyter/jupyter_server_config.d/aipo_widgets.json`` in the
wheel), it adds authenticated handlers under ``/aipo/api/`` to the Jupyter server:

``GET /aipo/api/workspace?path=P``
    The panel's data (:func:`aipo_widgets.pages.sidebar.sidebar_state`) for the workspace that
    holds ``P`` (a notebook or a folder, relative to the server's root; the nearest folder
    with an ``aipo.yaml`` at or above it, never above the root). ``{"workspace": null}`` when
    there is none.
``POST /aipo/api/jobs`` with ``{"path": P, "command": "validate" | "run" | "docs", "phase": ...}``
    Starts the kit's own command line on that workspace (``aipo validate``, ``aipo run
    [--phase]``, ``aipo docs --format html``) in a subprocess; answers ``{"job": id}``. One job
    per workspace at a time (409 while one runs).
``GET /aipo/api/jobs/ID``
    The job's output lines so far, whether it is done and its exit code.

Nothing here decides: the panel shows what the command line prints and what ``aipo status``
reads. Every handler requires the server's authentication; POSTs are XSRF-checked by
jupyter_server like its own API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from aipo_widgets.errors import AipoError
from aipo_widgets.pages.sidebar import sidebar_state

__all__ = ["find_workspace"]

_COMMANDS = {"validate": ["validate"], "run": ["run"], "docs": ["docs", "--format", "html"]}
_MAX_LINES = 5000


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "aipo_widgets.pipeline.lab"}]


def find_workspace(root: Path, relative: str) -> Path | None:
    """Return the workspace folder holding ``relative`` (within ``root``), or None.

    Raises
    ------
    web.HTTPError
        403 when the path leaves the root.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "p" / "notebooks").mkdir(parents=True)
    >>> _ = (root / "p" / "aipo.yaml").write_text("product: {name: x, owner: y}")
    >>> find_workspace(root, "p/notebooks/01_discovery.ipynb") == root / "p"
    True
    >>> find_workspace(root, "elsewhere") is None
    True
    """
    root = root.resolve()
    target = (root / relative.lstrip("/")).resolve()
    if target != root and root not in target.parents:
        raise web.HTTPError(403, "the path is outside the server's root")
    folder = target if target.is_dir() else target.parent
    while True:
        if (folder / "aipo.yaml").is_file():
            return folder
        if folder == root:
            return None
        folder = folder.parent


@dataclass
class _Job:
    id: str
    folder: Path
    command: str
    lines: list[str] = field(default_factory=list)
    exit_code: int | None = None
    process: subprocess.Popen[str] | None = None

    def to_dict(self, since: int = 0) -> dict[str, Any]:
        return {"job": self.id, "command": self.command, "done": self.exit_code is not None,
                "exit_code": self.exit_code, "lines": self.lines[since:],
                "total_lines": len(self.lines)}


class _Jobs:
    """The kit's command line run in subprocesses, one at a time per workspace."""

    def __init__(self) -> None:
        self.jobs: dict[str, _Job] = {}
        self.lock = threading.Lock()

    def start(self, folder: Path, command: str, phase: str | None) -> _Job:
        with self.lock:
            if any(j.folder == folder and j.exit_code is None for j in self.jobs.values()):
                raise web.HTTPError(409, "a command is already running on this workspace")
            args = [sys.executable, "-m", "aipo_widgets.cli", *_COMMANDS[command][:1],
                    str(folder), *_COMMANDS[command][1:]]
            if command == "run" and phase:
                args += ["--phase", phase]
            job = _Job(uuid.uuid4().hex[:12], folder, command)
            env = dict(os.environ, PYTHONUNBUFFERED="1")
            job.process = subprocess.Popen(args, stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, text=True, env=env,
                                           cwd=folder)
            self.jobs[job.id] = job
        threading.Thread(target=self._follow, args=(job,), daemon=True).start()
        return job

    def _follow(self, job: _Job) -> None:
        assert job.process is not None and job.process.stdout is not None
        for line in job.process.stdout:
            if len(job.lines) < _MAX_LINES:
                job.lines.append(line.rstrip("\n"))
        job.exit_code = job.process.wait()


class _Base(APIHandler):
    @property
    def root(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser()

    def workspace(self, relative: str) -> Path | None:
        return find_workspace(self.root, relative)


class WorkspaceHandler(_Base):
    """GET the panel's data for the workspace of a path."""

    @web.authenticated
    async def get(self) -> None:
        folder = self.workspace(self.get_argument("path", ""))
        if folder is None:
            self.finish(json.dumps({"workspace": None}))
            return
        try:
            state = await self._in_thread(folder)
        except AipoError as exc:
            # a broken aipo.yaml is what the panel must show, with its file and line
            self.finish(json.dumps({"workspace": str(folder.relative_to(self.root.resolve())),
                                    "error": str(exc)}))
            return
        state["workspace"] = str(folder.relative_to(self.root.resolve()))
        self.finish(json.dumps(state, default=str))

    async def _in_thread(self, folder: Path) -> dict[str, Any]:
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, sidebar_state, folder)


class JobsHandler(_Base):
    """POST a command to run on a workspace."""

    @web.authenticated
    def post(self) -> None:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400, "the body must be JSON") from None
        command = body.get("command")
        if command not in _COMMANDS:
            raise web.HTTPError(400, f"command must be one of {', '.join(_COMMANDS)}")
        phase = body.get("phase")
        if phase is not None and not (isinstance(phase, str) and phase.replace("_", "").isalnum()):
            raise web.HTTPError(400, "phase must be a phase name, e.g. discovery")
        folder = self.workspace(str(body.get("path", "")))
        if folder is None:
            raise web.HTTPError(404, "no aipo.yaml at or above this path")
        job = self.settings["aipo_jobs"].start(folder, command, phase)
        self.set_status(202)
        self.finish(json.dumps(job.to_dict()))


class JobHandler(_Base):
    """GET a job's output so far."""

    @web.authenticated
    def get(self, job_id: str) -> None:
        job = self.settings["aipo_jobs"].jobs.get(job_id)
        if job is None:
            raise web.HTTPError(404, "no such job")
        since = int(self.get_argument("since", "0") or 0)
        self.finish(json.dumps(job.to_dict(max(since, 0))))


def prefer_kit_templates(config: Any) -> bool:
    """Make the kit's phase notebooks the template dialog's first group; return whether it did.

    ``jupyterlab-templates`` lists its own *Sample* group first, and its dialog opens on the
    first group: a person choosing *Template* in the launcher would start from a sample that is
    not theirs. Unless the person configured ``JupyterLabTemplates.include_default`` themselves,
    the sample is left out, so the kit's group (``AIPO kit``, installed as shared data) comes
    first. Server extensions load in the order of their names, this one before
    ``jupyterlab_templates``, which reads the setting when it loads.

    Examples
    --------
    >>> from traitlets.config import Config
    >>> c = Config()
    >>> prefer_kit_templates(c), c.JupyterLabTemplates.include_default
    (True, False)
    >>> mine = Config({"JupyterLabTemplates": {"include_default": True}})
    >>> prefer_kit_templates(mine), mine.JupyterLabTemplates.include_default
    (False, True)
    """
    section = config.JupyterLabTemplates
    if "include_default" in section:
        return False
    section.include_default = False
    return True


def _load_jupyter_server_extension(serverapp: Any) -> None:
    if prefer_kit_templates(serverapp.config):
        serverapp.log.info("aipo: the template dialog opens on the kit's phase notebooks")
    web_app = serverapp.web_app
    base = url_path_join(web_app.settings["base_url"], "aipo", "api")
    web_app.settings["aipo_jobs"] = _Jobs()
    web_app.add_handlers(".*$", [
        (url_path_join(base, "workspace"), WorkspaceHandler),
        (url_path_join(base, "jobs"), JobsHandler),
        (url_path_join(base, "jobs", r"([0-9a-f]{12})"), JobHandler),
    ])
    serverapp.log.info("aipo: the AI-product panel's API is at %s", base)
