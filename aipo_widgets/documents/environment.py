"""The Jinja environment the documents render in, and its gap-aware formatting filters.

The environment is :class:`jinja2.StrictUndefined`, so a misspelt variable or attribute stops
the rendering instead of printing nothing.  Every filter passes a gap through unchanged (a
missing value stays a visible ``**[gap: ...]**``, not ``n/a``), and the kit's own filters
format numbers (``num``, ``pct``, ``money``, ``ci``), lists (``words``), booleans (``yesno``),
dates (``date``) and Markdown table cells (``cell``).  A workspace's own ``playbooks/`` folder
takes precedence over the kit's templates.

Examples
--------
>>> env = environment()
>>> env.from_string("{{ 0.25 | pct }} of {{ 12345.6 | num }}").render()
'25.0 % of 12,346'
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from aipo_widgets.documents.gaps import is_gap
from aipo_widgets.resources import resource_dir


def _gap_aware(f: Callable) -> Callable:
    pass_arg = getattr(f, "jinja_pass_arg", None)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        value = args[1] if pass_arg is not None and len(args) > 1 else (args[0] if args else None)
        if is_gap(value):
            return value
        return f(*args, **kwargs)

    return wrapper


def _num(value: Any, digits: int = 4) -> Any:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}"
    return value


def _pct(value: Any, digits: int = 1) -> Any:
    if value is None or isinstance(value, str):
        return "n/a" if value is None else value
    return f"{100 * float(value):.{digits}f} %"


def _money(value: Any, currency: str = "EUR") -> Any:
    if value is None:
        return "n/a"
    return f"{currency} {float(value):,.0f}"


def _ci(value: Any, digits: int = 4) -> str:
    if not value:
        return ""
    lo, hi = value
    return f"{_num(float(lo), digits)} to {_num(float(hi), digits)}"



def cell(value: Any) -> str:
    r"""Return a value as one Markdown table cell (one line, ``|`` escaped; a gap as its marker).

    Examples
    --------
    >>> cell(["a", "b|c"])
    'a, b\\|c'
    """
    if is_gap(value):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text.replace("|", "\\|")


def _words(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return value


def _yesno(value: Any) -> str:
    return "yes" if value else "no"


def _date(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "n/a" if value is None else value


def _finalize(value: Any) -> Any:
    if is_gap(value):
        return str(value)
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return _num(value)
    return value


def environment(extra_dirs: Sequence[Path] = ()):
    """Return the environment, with templates of ``extra_dirs`` before the kit's own.

    Parameters
    ----------
    extra_dirs : sequence of pathlib.Path
        Folders of templates that take precedence (a workspace's ``playbooks/``); missing
        folders are skipped.

    Returns
    -------
    jinja2.Environment
    """
    dirs = tuple(str(d) for d in extra_dirs if d.is_dir())
    # Compiling the templates is most of the rendering time: the kit's own environment is
    # kept (Jinja still reloads a template whose file changed); one with a workspace's own
    # templates is made afresh.
    return _make_environment(dirs) if dirs else _shipped_environment()


@functools.lru_cache(maxsize=1)
def _shipped_environment():
    return _make_environment(())


def _make_environment(dirs: tuple[str, ...]):
    import jinja2

    loaders = [jinja2.FileSystemLoader(d) for d in dirs]
    loaders.append(jinja2.FileSystemLoader(str(resource_dir("playbooks"))))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML; the HTML converter escapes
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    for name, f in list(env.filters.items()):
        if name not in ("length", "count", "default", "d"):
            env.filters[name] = _gap_aware(f)
    own: dict[str, Callable[..., Any]] = {
        "num": _num, "pct": _pct, "money": _money, "ci": _ci, "words": _words, "yesno": _yesno,
        "date": _date}
    for name, f in own.items():
        env.filters[name] = _gap_aware(f)
    env.filters["cell"] = cell
    env.tests["matching"] = lambda value, pattern: re.search(pattern, str(value)) is not None
    env.tests["containing"] = lambda value, text: str(text) in str(value)
    return env
