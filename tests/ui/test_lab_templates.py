"""The phase templates in JupyterLab's launcher after ``pip install``, proven in Chromium.

What is installed, and why this way: the wheel ships the phase notebooks as hatch shared-data
in ``share/jupyter/notebook_templates/AIPO kit/`` (one file per phase, named as the dialog lists
it), where ``jupyterlab-templates`` looks (every ``<data dir>/notebook_templates/<group>/``;
``jupyter --paths`` lists ``<sys.prefix>/share/jupyter`` among the data dirs). hatch's *editable*
install does copy the shared-data into ``.venv/share/jupyter/notebook_templates`` too, but as a
snapshot taken at install time: after the templates change (``python tools/build_notebooks.py``)
the venv keeps serving the old ones until ``pip install -e .`` runs again, so a test on that
copy may test yesterday's notebooks. Pointing ``JUPYTER_PATH`` at a fresh copy does not help
either: the extension lists every directory on the path, and a later directory's template of the
same name wins.

So the test installs what a user installs: it builds the wheel from the checkout and installs it
(``pip install --no-deps``) into a temporary virtual environment whose other packages come from
the project's venv through a ``.pth`` file (no network, as ``tests/test_packaging.py`` does), and
whose ``share/jupyter`` and ``etc/jupyter`` are the project's (JupyterLab's assets, the prebuilt
``jupyterlab-templates`` extension and its server-extension switch) by symbolic links, leaving out
only the venv's own ``notebook_templates``. JupyterLab then runs from that environment with
``JUPYTER_CONFIG_DIR``, ``JUPYTER_DATA_DIR``, ``JUPYTER_RUNTIME_DIR`` and ``IPYTHONDIR`` in
temporary folders and no other configuration: the data path keeps ``<sys.prefix>/share/jupyter``
(checked), and the kernel imports the kit from the wheel, not from the checkout.

In the browser: the launcher's *Template* tile, the kit's group ``AIPO kit`` (the dialog opens
on it: the kit's server extension leaves the extension's own sample out) with its four phase
notebooks, and a new notebook with the template's cells (the markdown ``01 Discovery`` heading,
the ``parameters`` cell with its tag). That notebook is created in a workspace folder made by
the installed ``aipo init``; its first cells are run in Lab with the ``workspace`` parameter left
empty, and the kernel finds the workspace by searching the notebook's folder and its parents for
``aipo.yaml`` (``aipo_widgets.model.workspace.find``). Saved, the notebook is on disk in that
folder. Screenshots go to ``test-artifacts/``; the server is stopped by its process group.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import lab
import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the tests skip then (see _missing)
    PlaywrightTimeout = TimeoutError

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHASES = ["01_discovery", "02_experiments", "03_rollout", "04_operate"]
GROUP = "AIPO kit"
# The names the dialog lists (the wheel's shared-data in pyproject.toml).
LISTED = {"01_discovery": "01 Discovery (days 1-30)",
          "02_experiments": "02 Experiments (days 31-60)",
          "03_rollout": "03 Rollout (days 61-90)", "04_operate": "04 Operate (after go-live)"}
DIALOG_MS = 15_000
INSTALL_TIMEOUT_S = 600


def _missing() -> str | None:
    reason = lab.browser_missing()
    if reason:
        return reason
    for module in ("build", "hatchling", "pip"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed: pip install -e '.[test]'"
    return None


# --------------------------------------------------------------------------------------------
# the installed environment and its server


class InstalledEnv:
    """A temporary virtual environment with the kit installed from a freshly built wheel.

    Parameters
    ----------
    base : pathlib.Path
        An empty temporary folder.
    """

    def __init__(self, base: Path):
        self.base = base
        self.prefix = base / "venv"
        self.python = self.prefix / "bin" / "python"

    def build(self) -> InstalledEnv:
        """Build the wheel, make the environment, install the wheel into it."""
        dist = self.base / "dist"
        subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                        str(dist), str(lab.ROOT)], check=True, capture_output=True,
                       timeout=INSTALL_TIMEOUT_S)
        (wheel,) = dist.glob("*.whl")
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(self.prefix)],
                       check=True, timeout=INSTALL_TIMEOUT_S)
        (site_dir,) = (self.prefix / "lib").glob("python3*/site-packages")
        # The dependencies (and pip) come from this environment; plain path lines, so the
        # checkout's editable-install hook (a .pth file there) is not run.
        import site

        (site_dir / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
        subprocess.run([str(self.python), "-m", "pip", "install", "-q", "--no-deps",
                        "--no-compile", "--disable-pip-version-check", str(wheel)],
                       check=True, timeout=INSTALL_TIMEOUT_S, env=self.env())
        # JupyterLab's assets, the prebuilt extensions and the server-extension switches of
        # this environment, as if they had been installed into the new one too.
        # The wheel installs into some of these folders itself (the panel's labextension, its
        # server-extension switch): link what this environment has beside what it installed.
        def link(here: Path, there: Path, skip: set[str]) -> None:
            there.mkdir(parents=True, exist_ok=True)
            for item in here.iterdir():
                target = there / item.name
                if item.name in skip:
                    continue
                if not target.exists():
                    target.symlink_to(item, target_is_directory=item.is_dir())
                elif item.is_dir() and target.is_dir() and not target.is_symlink():
                    link(item, target, set())

        for sub, skip in (("share/jupyter", {"notebook_templates"}), ("etc/jupyter", set())):
            here = Path(sys.prefix) / sub
            if here.is_dir():
                link(here, self.prefix / sub, skip)
        return self

    def env(self) -> dict[str, str]:
        """The environment for the new venv's programs: no checkout on the path."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "JUPYTER_PATH", "JUPYTERLAB_DIR",
                            "JUPYTER_CONFIG_PATH", "VIRTUAL_ENV")}
        env["PATH"] = f"{self.prefix / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        return env

    def templates(self) -> Path:
        """Where the wheel put the kit's templates."""
        return self.prefix / "share" / "jupyter" / "notebook_templates" / GROUP


class InstalledLab(lab.LabServer):
    """``jupyter lab`` run from the installed environment (see :class:`lab.LabServer`)."""

    def __init__(self, base: Path, installed: InstalledEnv):
        super().__init__(base)
        self.installed = installed
        self.python = str(installed.python)  # start() runs the installed JupyterLab

    def env(self) -> dict[str, str]:
        env = super().env()  # temporary Jupyter, IPython and matplotlib folders
        clean = self.installed.env()
        for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                    "IPYTHONDIR", "MPLCONFIGDIR", "MPLBACKEND"):
            clean[var] = env[var]
        return clean

    def get(self, path: str) -> dict:
        """GET a JSON endpoint of the server with the token."""
        with urllib.request.urlopen(f"{self.url}/{path}?token={self.token}", timeout=10) as r:
            return json.loads(r.read())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> InstalledEnv:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    return InstalledEnv(tmp_path_factory.mktemp("installed")).build()


@pytest.fixture(scope="module")
def server(installed: InstalledEnv, tmp_path_factory: pytest.TempPathFactory):
    srv = InstalledLab(tmp_path_factory.mktemp("lab-templates"), installed).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def chromium(server: InstalledLab, playwright_session):
    b = lab.launch_browser(playwright_session)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def tab(chromium, request: pytest.FixtureRequest):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    try:
        yield pg
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            lab.ARTIFACTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(lab.ARTIFACTS / f"FAILED-{request.node.name}.png"),
                          full_page=True)
        context.close()


# --------------------------------------------------------------------------------------------
# tests


def test_wheel_installs_templates_on_the_data_path(installed: InstalledEnv,
                                                   server: InstalledLab) -> None:
    # The files, exactly the checkout's templates (the wheel was built from it just now).
    for stem in PHASES:
        shipped = installed.templates() / f"{LISTED[stem]}.ipynb"
        assert shipped.is_file(), f"the wheel did not install {shipped}"
        source = lab.ROOT / "templates" / "notebooks" / f"{stem}.ipynb"
        assert shipped.read_bytes() == source.read_bytes(), stem
    # With the test's temporary JUPYTER_DATA_DIR, the default data path still holds the venv's
    # share/jupyter (what `jupyter --paths` prints as data).
    out = subprocess.run(
        [str(installed.python), "-c",
         "import json, jupyter_core.paths as p; print(json.dumps(p.jupyter_path()))"],
        capture_output=True, text=True, check=True, env=server.env())
    data_path = [Path(p) for p in json.loads(out.stdout)]
    assert installed.prefix / "share" / "jupyter" in data_path, data_path
    assert Path(server.env()["JUPYTER_DATA_DIR"]) in data_path, data_path
    # The server extension lists the group and its four notebooks, with no configuration.
    names = server.get("templates/names")
    assert names["template_label"] == "Template"
    listed = [t["name"] for t in names["templates"].get(GROUP, [])]
    assert listed == [f"/{GROUP}/{LISTED[stem]}.ipynb" for stem in PHASES], names["templates"]
    # The kit's group comes first (the dialog opens on it): the extension's sample is left out.
    assert next(iter(names["templates"])) == GROUP, names["templates"]


def _wait_idle(page, path: str) -> None:
    page.wait_for_function(
        """(path) => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const k = w && w.context && w.context.path === path && w.sessionContext
                && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!(k && k.connectionStatus === 'connected' && k.status === 'idle');
        }""", arg=path, timeout=lab.KERNEL_IDLE_MS)


def _accept_dialog_if_any(page, timeout_ms: int = 3000) -> bool:
    """Accept a dialog JupyterLab may show (kernel choice, name on first save)."""
    dialog = page.locator(".jp-Dialog")
    try:
        dialog.first.wait_for(timeout=timeout_ms)
    except PlaywrightTimeout:  # no dialog: the usual case
        return False
    dialog.locator(".jp-Dialog-button.jp-mod-accept").first.click()
    dialog.first.wait_for(state="detached", timeout=DIALOG_MS)
    return True


def test_launcher_template_opens_phase_notebook_that_finds_its_workspace(
        installed: InstalledEnv, server: InstalledLab, tab) -> None:
    page = tab
    # A workspace folder, made by the installed `aipo init`.
    ws_name = f"ws-{uuid.uuid4().hex[:8]}"
    ws = server.root / ws_name
    subprocess.run([str(installed.prefix / "bin" / "aipo"), "init", str(ws), "--example",
                    "support-summaries"], check=True, capture_output=True,
                   env=installed.env(), timeout=120)
    product = subprocess.run(
        [str(installed.python), "-c",
         f"from aipo_widgets.model.workspace import load; print(load({str(ws)!r}).workspace"
         ".product.name)"],
        check=True, capture_output=True, text=True, env=installed.env()).stdout.strip()
    assert product

    # A fresh Lab workspace with the file browser in the workspace folder; the launcher opens.
    page.goto(f"{server.url}/lab/workspaces/t{secrets.token_hex(6)}/tree/{ws_name}"
              f"?reset&token={server.token}")
    page.wait_for_function(
        "(p) => window.jupyterapp && window.jupyterapp.serviceManager"
        " && document.querySelector('.jp-BreadCrumbs') &&"
        " document.querySelector('.jp-BreadCrumbs').textContent.includes(p)",
        arg=ws_name, timeout=lab.KERNEL_IDLE_MS)
    tile = page.locator(".jp-LauncherCard", has_text="Template")
    tile.first.wait_for(timeout=lab.WIDGET_MS)
    lab.screenshot(page.locator(".jp-Launcher").first, "lab_templates_launcher")

    # The tile's dialog: the kit's group, its four phases, pick 01 Discovery.
    tile.first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=DIALOG_MS)
    group, template = dialog.locator("select").nth(0), dialog.locator("select").nth(1)
    # The dialog opens on the kit's group, its notebooks named for their phases.
    assert group.input_value() == GROUP, group.locator("option").all_inner_texts()
    options = template.locator("option").all_inner_texts()
    assert options == [f"/{GROUP}/{LISTED[stem]}.ipynb" for stem in PHASES], options
    template.select_option(f"/{GROUP}/{LISTED['01_discovery']}.ipynb")
    lab.screenshot(dialog.locator(".jp-Dialog-content"), "lab_templates_dialog")
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()

    # A new notebook in the workspace folder, with the template's cells.
    page.wait_for_function(
        """(folder) => {
            const w = window.jupyterapp.shell.currentWidget;
            return !!(w && w.context && w.context.path.startsWith(folder + '/')
                      && w.context.path.endsWith('.ipynb') && w.content
                      && w.content.model && w.content.model.cells.length > 3);
        }""", arg=ws_name, timeout=lab.KERNEL_IDLE_MS)
    path = page.evaluate("window.jupyterapp.shell.currentWidget.context.path")
    heading = page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown h1").first
    heading.wait_for(timeout=lab.WIDGET_MS)
    assert heading.inner_text().startswith("01 Discovery")
    cells = page.evaluate("""() => {
        const model = window.jupyterapp.shell.currentWidget.content.model;
        const out = [];
        for (let i = 0; i < model.cells.length; i++) {
            const c = model.cells.get(i);
            out.push([c.type, c.sharedModel.getSource(), c.getMetadata('tags') || []]);
        }
        return out;
    }""")
    shipped = installed.templates() / f"{LISTED['01_discovery']}.ipynb"
    tpl = json.loads(shipped.read_text("utf-8"))
    expected = [[c["cell_type"], "".join(c["source"]), c["metadata"].get("tags", [])]
                for c in tpl["cells"]]
    assert cells == expected
    params = next(i for i, c in enumerate(cells) if "parameters" in c[2])
    assert 'workspace: str = ""' in cells[params][1]

    # The kernel: accept JupyterLab's choice if it asks, then run the first cells (heading,
    # parameters with an empty workspace, set-up) as a person would, with Shift+Enter.
    _accept_dialog_if_any(page)
    _wait_idle(page, path)
    setup = params + 1
    page.evaluate("""async (n) => {
        const app = window.jupyterapp;
        const panel = app.shell.currentWidget;
        await panel.sessionContext.ready;
        panel.content.activeCellIndex = 0;
        for (let i = 0; i < n; i++) {
            await app.commands.execute('notebook:run-cell-and-select-next');
        }
    }""", setup + 1)
    out_area = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(setup) \
        .locator(".jp-OutputArea")
    out_area.get_by_text(product).first.wait_for(timeout=lab.KERNEL_IDLE_MS)
    _wait_idle(page, path)
    lab.screenshot(page.locator(".jp-NotebookPanel:visible").first, "lab_templates_notebook")
    reply = lab.run_code(page, "import os; print(repr(workspace)); print(phase.folder.resolve()); "
                               "print(os.getcwd()); import aipo_widgets; "
                               "print(aipo_widgets.__file__)")
    assert "ERROR" not in reply, reply
    empty_param, found, cwd, module = reply.strip().splitlines()
    assert empty_param == "''"
    assert Path(found) == ws.resolve()
    assert Path(cwd) == ws.resolve()
    # The kernel runs the installed kit, not the checkout.
    assert Path(module).is_relative_to(installed.prefix), module

    # Saved (Ctrl+S; JupyterLab asks for a name on an untitled file's first save), the notebook
    # is a file in the workspace folder with the template's cells. The command is not awaited:
    # its promise waits for the dialog.
    page.evaluate("() => { window.jupyterapp.commands.execute('docmanager:save'); }")
    name_box = page.locator(".jp-Dialog input")
    try:
        name_box.first.wait_for(timeout=5000)
        name_box.first.fill("discovery.ipynb")
    except PlaywrightTimeout:
        pass  # no rename dialog: saved as it is
    _accept_dialog_if_any(page, timeout_ms=1000)
    lab.wait_until(lambda: any(
        p.suffix == ".ipynb" and "01 Discovery" in p.read_text("utf-8")
        for p in ws.glob("*.ipynb")), timeout_s=lab.ROUND_TRIP_MS / 1000)
    saved = next(p for p in ws.glob("*.ipynb") if "01 Discovery" in p.read_text("utf-8"))
    nb = json.loads(saved.read_text("utf-8"))
    assert [c["metadata"].get("tags", []) for c in nb["cells"]][params] == ["parameters"]
    shutil.rmtree(ws, ignore_errors=True)
