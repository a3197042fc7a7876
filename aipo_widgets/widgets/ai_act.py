"""AIActQuestionnaire: the EU AI Act decision list as a form, with the result beside it.

Only the questions that matter given the earlier answers are shown
(:func:`aipo_widgets.analysis.compliance.relevant_questions`), in the order of the decision list,
each with its help text and article; yes / no / unsure, a choice or several. The classification
(:func:`aipo_widgets.analysis.compliance.classify`) is recomputed on every answer: tier, route, the
articles it rests on, our obligations with the dates they apply from, the open questions and
the stricter answers assumed meanwhile, the GDPR overlay, and whether a lawyer must sign off.
Answers are stored in ``compliance.ai_act.answers`` / ``compliance.gdpr.answers``.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
>>> w = AIActQuestionnaire(ws)
>>> w.view["result"]["tier"]
'prohibited'
>>> w.handle_operation({"op": "answer", "question": "is_ai_system", "value": False})
True
>>> w.view["result"]["tier"], [q["id"] for q in w.view["questions"] if q["section"] == "ai_act"]
('out_of_scope', ['is_ai_system'])
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from aipo_widgets import figures as render
from aipo_widgets.analysis.ai_act_view import ai_act_view
from aipo_widgets.analysis.compliance import load_rulebook
from aipo_widgets.errors import UsageError
from aipo_widgets.model.compliance import ROLES
from aipo_widgets.widgets._base import AipoWidget, operation, require, static_asset

__all__ = ["AIActQuestionnaire"]

_ROLES = ROLES


class AIActQuestionnaire(AipoWidget):
    """The EU AI Act (and GDPR) questionnaire of the workspace, with its live classification.

    Parameters
    ----------
    workspace : WorkspaceFile, Workspace, str or os.PathLike
        The workspace whose ``compliance`` answers are edited.
    read_only : bool, default False
        Show the answers and the result without editing (enforced in Python).
    as_of : datetime.date, optional
        Date obligations are judged on (default: ``compliance.as_of``, else today).
    **kwargs
        Other public traits (``title``, ``layout``).
    """

    _label = "EU AI Act questionnaire"
    _picture_note: ClassVar[str] = "the classification and its obligations are shown above"
    _reads: ClassVar[frozenset[str]] = frozenset({"compliance", "data_map"})
    _writes: ClassVar[frozenset[str]] = frozenset({"compliance"})
    _init_args: ClassVar[frozenset[str]] = frozenset({"as_of"})
    _esm = static_asset("_common.js", "ai_act.js")
    _css = static_asset("_common.css", "ai_act.css")

    def _configure(self, as_of: dt.date | None = None) -> None:
        self._as_of = as_of

    def _compute_view(self) -> dict:
        return ai_act_view(self.workspace, as_of=self._as_of)

    @operation("answer")
    def _op_answer(self, msg: dict) -> None:
        """Record an answer: ``{"question", "value"}``; null removes it.

        ``value`` is true / false / "unsure" for a yes-no question, an option (or "unsure")
        for a choice, a list of options for a multiple choice.
        """
        qid = require(msg, "question", str)
        q = load_rulebook().question(qid)
        value = msg.get("value")
        if value is not None:
            value = self._checked(q, value)
        section = (self.workspace.compliance.ai_act if q.section == "ai_act"
                   else self.workspace.compliance.gdpr)
        answers = dict(section.answers)
        if value is None:
            answers.pop(qid, None)
        else:
            answers[qid] = value
        section.answers = answers  # assignment: validated by the model

    @staticmethod
    def _checked(q: Any, value: Any) -> Any:
        options = q.option_values()
        if value == "unsure":
            return value
        if q.type == "bool":
            if isinstance(value, bool):
                return value
            err = f"'{q.id}' is answered yes (true), no (false) or 'unsure', got {value!r}"
        elif q.type == "choice":
            if isinstance(value, str) and value in options:
                return value
            err = f"'{q.id}' takes one of {', '.join(options)} or 'unsure', got {value!r}"
        else:
            if isinstance(value, list) and value and all(v in options for v in value):
                return list(dict.fromkeys(value))
            err = (f"'{q.id}' takes a non-empty list of {', '.join(options)} (or 'unsure'), "
                   f"got {value!r}")
        raise UsageError(err)

    @operation("role")
    def _op_role(self, msg: dict) -> None:
        """Set our role for the system (AI Act Art 3)."""
        role = require(msg, "value", str)
        if role not in _ROLES:
            err = f"role must be one of {', '.join(_ROLES)}, got {role!r}"
            raise UsageError(err)
        self.workspace.compliance.ai_act.role = role

    @operation("signoff")
    def _op_signoff(self, msg: dict) -> None:
        """Record who signed the classification off (today); an empty name withdraws it."""
        by = require(msg, "by", str).strip()
        ai = self.workspace.compliance.ai_act
        ai.signed_off_by = by
        ai.signed_off_on = dt.date.today() if by else None

    def _static_svg(self) -> str:
        title = self.title if self.title != self._label else "EU AI Act classification"
        return render.ai_act_svg(self.view or self._compute_view(), title=title)

    def _static_alt(self) -> str:
        return render.ai_act_alt(self.view or self._compute_view())
