"""The errors a person can cause, and how they are reported.

Every error a user can cause (a bad ``aipo.yaml``, a missing column, a wrong argument) raises an
:class:`AipoError` subclass.  Its message names the file, the place, the field and the fix; the
command line prints it without a traceback and exits with status 2.  Where one input has several
problems, all of them are collected in :attr:`AipoError.problems`, so a person fixes them in one
pass instead of one per run.

Examples
--------
>>> p = Problem("must be an integer from 1 to 5, got 7", path="risks[2].likelihood",
...             file="aipo.yaml", line=41, column=17)
>>> str(p)
'aipo.yaml:41:17: risks[2].likelihood: must be an integer from 1 to 5, got 7'
>>> err = WorkspaceError([p])
>>> isinstance(err, AipoError), len(err.problems)
(True, 1)
>>> isinstance(UsageError("n_boot must be positive"), ValueError)
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: A location inside a YAML document: keys and list indices, outermost first.
Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """Format a location tuple as a YAML path, e.g. ``risks[2].likelihood``.

    Examples
    --------
    >>> format_path(("risks", 2, "likelihood"))
    'risks[2].likelihood'
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One problem a person can fix.

    Parameters
    ----------
    message : str
        What is wrong and, where it helps, how to fix it.
    path : str, default ""
        The place inside the document, e.g. ``risks[2].likelihood`` or a column name.
    file : str, default ""
        The file the problem is in, as the person named it.
    line, column : int or None
        1-based position in the file, where known.
    fix : str, default ""
        A separate hint on how to fix it, shown after the message.
    code : str, default ""
        A stable machine-readable kind, e.g. ``out_of_range`` or ``unknown_reference``.
    """

    message: str
    path: str = ""
    file: str = ""
    line: int | None = None
    column: int | None = None
    fix: str = ""
    code: str = ""

    def __str__(self) -> str:
        where = self.file
        if where and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [p for p in (where, self.path) if p]
        text = self.message if not self.fix else f"{self.message} ({self.fix})"
        return ": ".join([*parts, text])

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as a JSON-ready dict (used by ``aipo validate --json``)."""
        return asdict(self)


class AipoError(Exception):
    """Base class of every error a person can cause.

    Parameters
    ----------
    message_or_problems : str or list of Problem
        A single message, or the problems found (all of them, not only the first).
    """

    def __init__(self, message_or_problems: str | list[Problem]):
        if isinstance(message_or_problems, str):
            self.problems = [Problem(message_or_problems)]
        else:
            self.problems = list(message_or_problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class WorkspaceError(AipoError):
    """The workspace file is missing, unreadable, not valid YAML or not a valid workspace."""


class ConflictError(AipoError):
    """A save would overwrite changes made to the file by someone else since it was loaded."""


class DataError(AipoError, ValueError):
    """Input data (a frame, an array, a column) cannot be used as asked.

    Also a :class:`ValueError`, so that ``except ValueError`` in a person's own code still
    catches a bad value handed to the kit.
    """


class UsageError(AipoError, ValueError):
    """A command or function was called with arguments that do not fit.

    Also a :class:`ValueError` (see :class:`DataError`).
    """
