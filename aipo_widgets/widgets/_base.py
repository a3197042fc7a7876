r"""The base of every AIPO widget: workspace binding, edits as operations, read-only, save.

An AIPO widget is an :class:`anywidget.AnyWidget` bound to one workspace (a loaded
``aipo.yaml``). Its state for the browser (:attr:`AipoWidget.view`) is computed in Python by the
core modules; the browser only renders it and sends *operations* back, e.g.
``{"op": "move", "risk": "R3", "likelihood": 4, "impact": 2}``. Python checks and applies an
operation to the pydantic model, recomputes and re-syncs the view.

Security model (what Voila pages rely on):

- No trait of an AIPO widget can be set from the browser. An ``update`` message (a synced-state
  change) that arrives from the front end is rejected and the front end is sent the current
  values back; this holds for every trait, ``read_only`` included, so a forged ``comm_msg``
  cannot change the Python object or the workspace.
- Operations that edit the workspace are refused while :attr:`~AipoWidget.read_only` is true;
  :meth:`AipoWidget.save` refuses too. Queries that change nothing (a what-if) are allowed.

Errors raised while an operation runs are shown in the widget (the :attr:`~AipoWidget.error`
trait, rendered as a banner) instead of being lost in a log.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.model.workspace import load
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "aipo.yaml").write_text("product:\n  name: Demo\n  owner: Jana\n")
>>> class Owner(AipoWidget):
...     _esm = "export default { render() {} }"
...     def _compute_view(self):
...         return {"owner": self.workspace.product.owner}
...     @operation("rename")
...     def _rename(self, msg):
...         self.workspace.product.owner = require(msg, "owner", str)
>>> w = Owner(load(folder))
>>> w.view
{'owner': 'Jana', 'rev': 1}
>>> w.handle_operation({"op": "rename", "owner": "Jana Keller"})
True
>>> w.view["owner"], w.dirty
('Jana Keller', True)
>>> w.save()
True
>>> "Jana Keller" in (folder / "aipo.yaml").read_text()
True
>>> ro = Owner(load(folder), read_only=True)
>>> ro.handle_operation({"op": "rename", "owner": "Mallory"})
False
>>> ro.workspace.product.owner, ro.error
('Jana Keller', 'This view is read-only: the change was not applied.')
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import logging
import os
import traceback
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import traitlets
from pydantic import ValidationError

from aipo_widgets.errors import AipoError, ConflictError, UsageError
from aipo_widgets.figures import img_html
from aipo_widgets.figures.tokens import css_variables, js_constant
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import WorkspaceFile, load

__all__ = [
    "READ_ONLY_MESSAGE",
    "AipoWidget",
    "operation",
    "require",
    "stale_comment_warning",
    "static_asset",
]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

#: What the widget shows when an edit arrives while it is read-only.
READ_ONLY_MESSAGE = "This view is read-only: the change was not applied."


def static_asset(*names: str) -> str:
    """Return the presentation tokens and the concatenated files in ``static/``.

    anywidget loads a widget's ES module from a string, so a module cannot import a sibling
    file; the shared helpers (``_common.js``, ``_common.css``) are prepended instead, and before
    them the presentation tokens (:mod:`aipo_widgets.figures.tokens`): the constant
    ``AIPO_TOKENS`` for JavaScript, the ``--aipo-*`` custom properties on ``.aipo`` for CSS.
    There is no bundler and nothing is fetched from the network.

    Parameters
    ----------
    *names : str
        File names inside ``aipo_widgets/widgets/static``, all ``.js`` or all ``.css``.

    Examples
    --------
    >>> js = static_asset("_common.js", "risk_matrix.js")
    >>> js.startswith("const AIPO_TOKENS = {") and "export default" in js
    True
    >>> static_asset("_common.css").startswith(".aipo {")
    True
    """
    kinds = {Path(n).suffix for n in names}
    if len(kinds) != 1 or not kinds <= {".js", ".css"}:
        msg = f"static_asset takes .js files or .css files, got {', '.join(names)}"
        raise ValueError(msg)
    tokens = js_constant() if kinds == {".js"} else css_variables(".aipo")
    return tokens + "\n".join((STATIC / n).read_text(encoding="utf-8") for n in names)


_KINDS = ("edit", "command", "query")


def operation(name: str, *, kind: str = "edit") -> Callable[[Callable], Callable]:
    """Mark a method as the handler of a front-end operation.

    Parameters
    ----------
    name : str
        The ``op`` value of the message, e.g. ``"move"``.
    kind : {"edit", "command", "query"}, default "edit"
        ``"edit"`` changes the workspace: refused while read-only; afterwards the widget (and
        every widget bound to the same file) recomputes and is marked unsaved. ``"command"``
        acts on the file (save, reload): refused while read-only, nothing marked.
        ``"query"`` (a what-if) is always allowed and must change nothing.

    Returns
    -------
    callable
        The decorator. The method receives the message (a dict) and returns nothing, or a
        dict that is sent back to the front end as the reply.
    """
    if kind not in _KINDS:
        msg = f"kind must be one of {_KINDS}, got {kind!r}"
        raise ValueError(msg)

    def mark(fn: Callable) -> Callable:
        fn._aipo_operation = (name, kind)  # type: ignore[attr-defined]
        return fn

    return mark


def require(msg: dict, key: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
    """Return ``msg[key]`` if it has the expected type; raise a UsageError naming it otherwise.

    Front-end messages are untrusted input: every handler reads its fields through this.

    Parameters
    ----------
    msg : dict
        The operation message.
    key : str
        The field.
    kind : type or tuple of type
        Accepted types (``float`` accepts ``int`` too; ``bool`` is never a number).
    optional : bool, default False
        Return None when the field is absent or null.

    Raises
    ------
    UsageError
        When the field is missing or has another type.

    Examples
    --------
    >>> require({"likelihood": 4}, "likelihood", int)
    4
    >>> require({"value": 3}, "value", float)
    3.0
    >>> require({}, "risk", str)
    Traceback (most recent call last):
    ...
    aipo_widgets.errors.UsageError: operation field 'risk' is missing
    """
    if key not in msg or msg[key] is None:
        if optional:
            return None
        err = f"operation field '{key}' is missing"
        raise UsageError(err)
    value = msg[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        ok = False
    elif float in kinds and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    else:
        ok = isinstance(value, kinds)
    if not ok:
        names = " or ".join(k.__name__ for k in kinds)
        err = f"operation field '{key}' must be {names}, got {value!r}"
        raise UsageError(err)
    return value


def _validation_text(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors(include_url=False):
        where = ".".join(str(p) for p in e["loc"])
        text = e["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts)


#: Above this many changes a new view is sent whole rather than as a patch.
MAX_PATCH_OPS = 4000


def view_patch(old: Any, new: Any, path: tuple = (), out: list | None = None) -> list:
    """Return the changes that turn ``old`` into ``new`` (JSON data) as a list of operations.

    Each operation is ``[path, value]`` (set) or ``[path]`` (delete a key), ``path`` a list of
    keys and indices. Lists of equal length are compared item by item (one operation per
    changed item, or the whole list when more than a third changed); anything else that
    differs is replaced. After an edit of one risk among 500 the patch is a few hundred bytes
    instead of the whole register.

    Examples
    --------
    >>> view_patch({"a": 1, "b": [1, 2, 3], "c": 0}, {"a": 1, "b": [1, 5, 3], "d": 2})
    [[['c']], [['b', 1], 5], [['d'], 2]]
    """
    out = [] if out is None else out
    if type(old) is dict and type(new) is dict:
        out.extend([[*path, k]] for k in old if k not in new)
        for k, v in new.items():
            if k not in old:
                out.append([[*path, k], v])
            elif old[k] is not v and old[k] != v:
                view_patch(old[k], v, (*path, k), out)
    elif type(old) is list and type(new) is list and len(old) == len(new):
        changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        if len(changed) * 3 > len(new):
            out.append([list(path), new])
        else:
            for i in changed:
                view_patch(old[i], new[i], (*path, i), out)
    elif old != new or type(old) is not type(new):
        out.append([list(path), new])
    return out


def stale_comment_warning(commented: list[tuple[str, str]]) -> str:
    """Say which comments beside changed values were kept and may no longer hold.

    Examples
    --------
    >>> stale_comment_warning([("metric_tree.nodes[handle_time_min].target", "# 25 % less")])
    "The comment '# 25 % less' beside metric_tree.nodes[handle_time_min].target was kept: \
check that it still holds."
    >>> stale_comment_warning([("a", "# x"), ("b", "# y"), ("c", "# z"), ("d", "# w")])
    "The comments beside a ('# x'), b ('# y'), c ('# z') and 1 more were kept: check that \
they still hold."
    """
    if len(commented) == 1:
        path, note = commented[0]
        return f"The comment '{note}' beside {path} was kept: check that it still holds."
    named = ", ".join(f"{path} ('{note}')" for path, note in commented[:3])
    more = f" and {len(commented) - 3} more" if len(commented) > 3 else ""
    return f"The comments beside {named}{more} were kept: check that they still hold."


# Widgets bound to the same WorkspaceFile refresh one another after an edit, so a risk moved in
# the matrix updates the backlog's "blocked" marks in the same notebook.
_SIBLINGS: weakref.WeakKeyDictionary[Any, weakref.WeakSet[AipoWidget]] = (
    weakref.WeakKeyDictionary()
)

#: Seconds an edit waits before work it made stale elsewhere is redone (other widgets on the
#: same file, slow extras such as the metric tree's sensitivity). Edits in quick succession
#: (a chip moved with the arrow keys) push it back, so a burst costs one recomputation.
DEFER_S = 0.3


class AipoWidget(anywidget.AnyWidget):
    """Base class of the AIPO widgets (not used directly).

    Parameters
    ----------
    workspace : WorkspaceFile, Workspace, str or os.PathLike
        What the widget edits: a loaded workspace (saving writes its ``aipo.yaml``), a workspace
        folder or ``aipo.yaml`` path (loaded here), or a bare
        :class:`~aipo_widgets.model.schema.Workspace` model (edits stay in memory; saving is
        refused).
    read_only : bool, default False
        Show without editing. Enforced in Python: edits from the browser are rejected and
        :meth:`save` refuses.
    picture : bool, default True
        Where no widget runs (a report, an untrusted notebook) show a static picture. False
        shows one sentence instead, for a widget placed beside a picture of the same figures
        (a report would show them twice).
    **kwargs
        Public traits of the widget (e.g. ``layout``). Anything else raises a TypeError naming
        the unexpected arguments.

    Attributes
    ----------
    view : dict
        The state the front end renders, computed by the core (synced, never set by the browser).
    read_only : bool
        See above. Can be changed from Python only.
    dirty : bool
        True when the workspace has edits that are not saved yet.
    status : str
        The outcome of the last save (shown in the widget's footer).
    status_kind : str
        ``"ok"``, ``"warn"`` (saved; a comment beside a changed value may be stale),
        ``"error"``, ``"conflict"`` or ``""``.
    error : str
        The last error raised while handling a browser operation (shown as a banner).
    title : str
        Heading shown above the widget.
    """

    #: Name shown in ``text/plain`` and used as the accessible name of the region.
    _label: ClassVar[str] = "AIPO widget"
    #: Where a report finds the figures when the widget shows no picture (``picture=False``).
    _picture_note: ClassVar[str] = "its figures are shown above"
    #: Workspace sections the view is computed from, and sections the edits change: an edit
    #: refreshes the widgets on the same file that read what it writes.
    _reads: ClassVar[frozenset[str]] = frozenset({"*"})
    _writes: ClassVar[frozenset[str]] = frozenset({"*"})
    #: Narrower ``_writes`` of single operations, e.g. ``{"weights": {"settings"}}``.
    _writes_by_op: ClassVar[dict[str, frozenset[str]]] = {}
    #: Constructor arguments the subclass handles itself (not traits).
    _init_args: ClassVar[frozenset[str]] = frozenset()
    _operations: ClassVar[dict[str, tuple[str, str]]] = {}

    view = traitlets.Dict().tag(sync=True)
    read_only = traitlets.Bool(False).tag(sync=True)
    dirty = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    status_kind = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)

    # Traits that are outputs of the widget, never constructor arguments.
    _computed_traits: ClassVar[frozenset[str]] = frozenset(
        {"view", "dirty", "status", "status_kind", "error"}
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._collect_operations()

    @classmethod
    def _collect_operations(cls) -> None:
        table: dict[str, tuple[str, str]] = {}
        for klass in reversed(cls.__mro__):
            for attr, fn in vars(klass).items():
                spec = getattr(fn, "_aipo_operation", None)
                if spec is not None:
                    table[spec[0]] = (attr, spec[1])
        cls._operations = table

    def __init__(
        self,
        workspace: WorkspaceFile | Workspace | str | os.PathLike,
        *,
        read_only: bool = False,
        picture: bool = True,
        **kwargs: Any,
    ) -> None:
        self._picture = picture
        allowed = {
            n for n in self.class_trait_names()
            if not n.startswith("_") and n not in self._computed_traits
        } | set(self._init_args)
        unexpected = sorted(set(kwargs) - allowed)
        if unexpected:
            names = ", ".join(repr(n) for n in unexpected)
            known = ", ".join(sorted((allowed | {"picture"}) - {"comm", "keys", "log"}))
            msg = (
                f"{type(self).__name__}() got unexpected keyword argument(s) {names}; "
                f"accepted: {known}"
            )
            raise TypeError(msg)
        self._file, self._workspace = self._bind(workspace)
        self._callbacks: list[Callable[[dict], Any]] = []
        self._pending: dict[str, Any] = {}
        trait_kwargs = {k: v for k, v in kwargs.items() if k not in self._init_args}
        own_kwargs = {k: v for k, v in kwargs.items() if k in self._init_args}
        self._configure(**own_kwargs)
        super().__init__(read_only=read_only, **trait_kwargs)
        if not self.title:
            self.title = self._label
        if self._file is not None:
            _SIBLINGS.setdefault(self._file, weakref.WeakSet()).add(self)
        self.refresh()

    # ----------------------------------------------------------------------------------------
    # binding

    @staticmethod
    def _bind(workspace: Any) -> tuple[WorkspaceFile | None, Workspace]:
        if isinstance(workspace, WorkspaceFile):
            return workspace, workspace.workspace
        if isinstance(workspace, Workspace):
            return None, workspace
        if isinstance(workspace, (str, os.PathLike)):
            wf = load(workspace)
            return wf, wf.workspace
        msg = (
            "workspace must be a loaded workspace (aipo_widgets.model.workspace.load(folder)), a "
            f"workspace folder or a Workspace model, got {type(workspace).__name__}"
        )
        raise TypeError(msg)

    def _configure(self, *args: Any, **kwargs: Any) -> None:
        """Take the subclass's own constructor arguments (see ``_init_args``)."""

    @property
    def workspace(self) -> Workspace:
        """The workspace model this widget edits."""
        return self._file.workspace if self._file is not None else self._workspace

    @property
    def workspace_file(self) -> WorkspaceFile | None:
        """The loaded ``aipo.yaml`` this widget saves to (None for a bare model)."""
        return self._file

    # ----------------------------------------------------------------------------------------
    # state

    def _compute_view(self) -> dict:
        """Return the state the front end renders (subclasses compute it with the core)."""
        return {}

    def refresh(self) -> None:
        """Recompute the view from the workspace (after editing the model in code, say).

        An error is shown in the widget rather than raised, so that a half-edited workspace
        never leaves a blank output.
        """
        try:
            view = self._compute_view()
        except Exception as exc:  # shown in the widget; see module docstring
            self._show_error(exc)
            return
        self._set_view(view)

    def _set_view(self, view: dict) -> None:
        """Replace the view; the browser gets only what changed (see :func:`view_patch`).

        The trait holds the whole view (a new display, or a notebook saved with its widget
        state, starts from it); its sync is replaced by a patch message that the module's
        ``initialize`` applies to the browser's copy, checked by revision number.
        """
        old = self.view
        rev = int(old.get("rev", 0))
        ops = view_patch({**old, "rev": rev}, {**view, "rev": rev}) if old else None
        if ops == []:
            return  # nothing changed: nothing to send
        view = {**view, "rev": rev + 1}
        if ops is not None:
            ops.append([["rev"], rev + 1])
        if ops is None or len(ops) > MAX_PATCH_OPS:
            self.view = view
            return
        self._quiet_view = True
        try:
            self.view = view
        finally:
            self._quiet_view = False
        self.send({"type": "patch", "base": old.get("rev", 0), "ops": ops})

    def _should_send_property(self, key: str, value: Any) -> bool:
        # The view's changes went out as a patch (see _set_view).
        if key == "view" and getattr(self, "_quiet_view", False):
            self._states_to_send.discard(key)
            return False
        return super()._should_send_property(key, value)

    def on_change(self, callback: Callable[[dict], Any]) -> None:
        """Call ``callback(event)`` after each edit made in the browser.

        ``event`` is the operation message (e.g. ``{"op": "move", "risk": "R3", ...}``). An
        exception raised by the callback is shown in the widget.

        Parameters
        ----------
        callback : callable
            Called with one dict.
        """
        self._callbacks.append(callback)

    # ----------------------------------------------------------------------------------------
    # front-end messages

    def _handle_msg(self, msg: dict) -> None:
        """Receive a message from the front end (the comm callback).

        ``update`` messages (state changes) are always rejected and answered with the current
        state; ``custom`` messages are operations (see :meth:`handle_operation`).
        """
        data = (msg.get("content") or {}).get("data") or {}
        method = data.get("method")
        if method == "update":
            self._reject_update(data.get("state"))
        elif method == "custom":
            self.handle_operation(data.get("content"))
        elif method == "request_state":
            self.send_state()
        else:
            log.warning("ignored front-end message with method %r", method)

    def _reject_update(self, state: Any) -> None:
        keys = [k for k in state if k in self.keys] if isinstance(state, dict) else []
        # Send the Python values back so the browser shows the truth again.
        if keys:
            self.send_state(keys)
        if self.read_only:
            self.error = READ_ONLY_MESSAGE
        else:
            log.warning("ignored a state change from the browser: %s", ", ".join(keys))

    def handle_operation(self, content: Any) -> bool:
        """Apply one operation from the front end; return whether it was applied.

        This is what the comm calls for a custom message; tests and notebooks may call it too.

        Parameters
        ----------
        content : dict
            ``{"op": name, ...fields}``, optionally with ``"seq"`` (echoed in the reply).

        Returns
        -------
        bool
            True when the operation ran without error.
        """
        seq = content.get("seq") if isinstance(content, dict) else None
        ok = False
        reply: dict | None = None
        try:
            if not isinstance(content, dict) or not isinstance(content.get("op"), str):
                msg = f"a widget operation must be a mapping with an 'op' name, got {content!r}"
                raise UsageError(msg)
            name = content["op"]
            if name not in self._operations:
                known = ", ".join(sorted(self._operations))
                msg = f"unknown operation {name!r}; this widget knows: {known}"
                raise UsageError(msg)
            attr, kind = self._operations[name]
            if kind != "query" and self.read_only:
                self.error = READ_ONLY_MESSAGE
                self.send_state(["view"])  # undo what the browser showed optimistically
                return False
            self.error = ""
            with self.hold_sync():
                reply = getattr(self, attr)(content)
                if kind == "edit":
                    self._after_edit(content)
            ok = True
        except Exception as exc:  # every error a person can cause ends in the widget
            self._show_error(exc)
            self.send_state(["view"])
        finally:
            if seq is not None or reply is not None:
                self.send({"type": "reply", "seq": seq, "ok": ok, **(reply or {})})
        return ok

    def _after_edit(self, content: dict) -> None:
        self.dirty = True
        self.status, self.status_kind = "Unsaved changes", ""
        self.refresh()
        writes = self._writes_by_op.get(content.get("op", ""), self._writes)
        for other in self._siblings():
            other.dirty = True
            other.status, other.status_kind = self.status, self.status_kind
            if "*" in other._reads or "*" in writes or other._reads & writes:
                # After this edit's answer has gone out, so the edit itself stays quick.
                other._later("refresh", other.refresh)
        for callback in self._callbacks:
            try:
                callback(dict(content))
            except Exception as exc:
                self._show_error(exc, prefix="on_change callback failed")

    def _later(self, key: str, fn: Callable[[], Any]) -> None:
        """Run ``fn`` once the kernel is idle again (now, when no event loop runs).

        A second request with the same ``key`` before it ran replaces the first, so a burst of
        edits costs one recomputation. Errors are shown in the widget.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # plain Python (tests, scripts): do it now
            fn()
            return
        old = self._pending.pop(key, None)
        if old is not None:
            old.cancel()

        def run() -> None:
            self._pending.pop(key, None)
            try:
                fn()
            except Exception as exc:  # shown in the widget, like every callback error
                self._show_error(exc)

        self._pending[key] = loop.call_later(DEFER_S, run)

    def _siblings(self) -> Iterable[AipoWidget]:
        if self._file is None:
            return []
        return [w for w in _SIBLINGS.get(self._file, ()) if w is not self]

    def _show_error(self, exc: BaseException, prefix: str = "") -> None:
        if isinstance(exc, ValidationError):
            text = _validation_text(exc)
        elif isinstance(exc, AipoError):
            text = str(exc)
        else:
            text = f"{type(exc).__name__}: {exc}"
            # Unexpected: keep the traceback for the developer, but show the message here.
            log.error("%s", "".join(traceback.format_exception(exc)))
        self.error = f"{prefix}: {text}" if prefix else text

    # ----------------------------------------------------------------------------------------
    # saving

    def save(self, *, force: bool = False) -> bool:
        """Write the edits to ``aipo.yaml`` (atomic, conflict-checked, comments kept).

        Parameters
        ----------
        force : bool, default False
            Overwrite the file even if it changed on disk since it was loaded.

        Returns
        -------
        bool
            True if the file was written, False if there was nothing to save.

        Raises
        ------
        UsageError
            When the widget is read-only or bound to a bare model.
        WorkspaceError, ConflictError
            From :meth:`aipo_widgets.model.workspace.WorkspaceFile.save`; the message is also shown
            in the widget's footer.
        """
        if self.read_only:
            msg = "this widget is read-only: it does not save; create it with read_only=False"
            self.status, self.status_kind = msg, "error"
            raise UsageError(msg)
        if self._file is None:
            msg = (
                "this widget edits a bare Workspace model, which has no file to save to; "
                "bind it to aipo_widgets.model.workspace.load(folder) instead"
            )
            self.status, self.status_kind = msg, "error"
            raise UsageError(msg)
        commented = self._file.commented_changes()
        try:
            written = self._file.save(force=force)
        except AipoError as exc:
            self.status = str(exc)
            self.status_kind = "conflict" if isinstance(exc, ConflictError) else "error"
            raise
        when = dt.datetime.now().strftime("%H:%M:%S")
        text = f"Saved {self._file.path.name} at {when}" if written else "Nothing to save"
        kind = "ok"
        if written and commented:
            text += ". " + stale_comment_warning(commented)
            kind = "warn"
        for w in [self, *self._siblings()]:
            w.dirty = False
            w.status, w.status_kind = text, kind
        return written

    @operation("save", kind="command")
    def _op_save(self, msg: dict) -> dict:
        force = bool(require(msg, "force", bool, optional=True))
        # A failed save is reported in the footer, with the fix; not as a banner.
        with contextlib.suppress(AipoError):
            self.save(force=force)
        return {"saved": self.status_kind == "ok"}

    @operation("resync", kind="query")
    def _op_resync(self, msg: dict) -> None:
        """Send the whole view again (the browser missed a patch)."""
        self.send_state(["view"])

    @operation("reload", kind="command")
    def _op_reload(self, msg: dict) -> None:
        if self._file is None:
            err = "a bare Workspace model has no file to reload from"
            raise UsageError(err)
        fresh = self._file.reload()
        group = [self, *self._siblings()]
        old = self._file
        for w in group:
            w._file, w._workspace = fresh, fresh.workspace
        _SIBLINGS[fresh] = weakref.WeakSet(group)
        _SIBLINGS.pop(old, None)
        for w in group:
            w.dirty = False
            w.status, w.status_kind = f"Reloaded {fresh.path.name} from disk", "ok"
            w.refresh()

    # ----------------------------------------------------------------------------------------
    # static picture

    def _static_svg(self) -> str:
        """Return an SVG picture of the current state (subclasses draw with ``render``)."""
        raise NotImplementedError

    def _static_alt(self) -> str:
        return self._label

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        """Return the widget view plus a static picture for places without a widget manager.

        JupyterLab shows the widget for trusted output and the image otherwise (an
        ``<img>`` with a data URL, which survives the sanitiser); nbconvert HTML and GitHub
        show the image.
        """
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:  # pragma: no cover - no view
            return None
        data, metadata = bundle

        if not self._picture:
            data["text/html"] = (
                f'<p class="aipo-static-note">{html.escape(self.title or self._label)}: '
                f"edited in JupyterLab, where this widget runs; {self._picture_note}.</p>")
            data["text/plain"] = f"<{type(self).__name__}: {self.title or self._label}>"
            return data, metadata
        try:
            data["text/html"] = img_html(self._static_svg(), alt=self._static_alt())
        except Exception as exc:  # a broken picture must not hide the widget
            self._show_error(exc, prefix="static picture failed")
        data["text/plain"] = f"<{type(self).__name__}: {self._static_alt()}>"
        return data, metadata


AipoWidget._collect_operations()
