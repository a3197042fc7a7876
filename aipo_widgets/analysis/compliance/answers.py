"""The questionnaire's answers: read, normalised and checked against the rulebook.

Answers come from ``compliance.ai_act.answers`` and ``compliance.gdpr.answers`` (question id ->
true / false / "unsure" / an option / a list of options).  An answer under an unknown id or with
a value the question does not take is a reported problem with a did-you-mean, never silently
ignored; unanswered and "unsure" answers take the question's stricter branch (:class:`Walk`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aipo_widgets._text import suggest
from aipo_widgets.analysis.compliance.rulebook import ART9_PREFIX, Question, Rulebook
from aipo_widgets.errors import Problem, UsageError, WorkspaceError
from aipo_widgets.model import schema as spec

_UNSURE = {"unsure", "unknown", "not sure", "?"}
_YES = {"yes", "true", "y"}
_NO = {"no", "false", "n"}


def normalise(q: Question, raw: Any, path: str) -> tuple[Any, str, list[Problem]]:
    """Return (value, state, problems); state is answered, unsure or unanswered."""
    if raw is None:
        return None, "unanswered", []
    if isinstance(raw, str) and raw.strip().lower() in _UNSURE:
        return "unsure", "unsure", []
    if q.type == "bool":
        if isinstance(raw, bool):
            return raw, "answered", []
        if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
            return raw.strip().lower() in _YES, "answered", []
        return None, "unanswered", [
            Problem(f"'{q.id}' takes yes/no (true/false) or 'unsure', got {raw!r}", path=path,
                    fix="answer true, false or 'unsure'", code="bad_answer")
        ]
    values = q.option_values()
    if q.type == "choice":
        if isinstance(raw, str) and raw in values:
            return raw, "answered", []
        return None, "unanswered", [
            Problem(f"'{q.id}' takes one of {', '.join(values)} or 'unsure', got {raw!r}",
                    path=path, fix=suggest(str(raw), values, cutoff=0.5), code="bad_answer")
        ]
    # multi
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        return None, "unanswered", [
            Problem(f"'{q.id}' takes a list of {', '.join(values)}, or 'unsure', got {raw!r}",
                    path=path, fix="write a list, e.g. [" + values[0] + "]", code="bad_answer")
        ]
    problems = [
        Problem(f"'{q.id}' has no option {v!r}", path=path, fix=suggest(v, values, cutoff=0.5),
                code="bad_answer")
        for v in items if v not in values
    ]
    good = [v for v in items if v in values]
    if "none" in good and len(good) > 1:
        problems.append(Problem(f"'{q.id}' lists 'none' together with other options", path=path,
                                fix="remove 'none' or the others; 'none' is ignored",
                                code="bad_answer"))
        good = [v for v in good if v != "none"]
    if not good:
        return None, "unanswered", problems
    return list(dict.fromkeys(good)), "answered", problems


def as_compliance(compliance: spec.Compliance | Mapping | None) -> spec.Compliance:
    """Return the compliance section as a model (a dict is validated)."""
    if compliance is None:
        return spec.Compliance()
    if isinstance(compliance, spec.Compliance):
        return compliance
    if isinstance(compliance, Mapping):
        try:
            return spec.Compliance.model_validate(dict(compliance))
        except Exception as exc:  # pydantic.ValidationError
            raise WorkspaceError([Problem(str(exc), path="compliance", code="invalid")]
                                 ) from None
    raise UsageError([Problem(f"compliance must be spec.Compliance or a dict, got "
                              f"{type(compliance).__name__}", code="bad_argument")])


def as_data_map(data_map: spec.DataMap | Mapping | None) -> spec.DataMap:
    """Return the data map as a model (a dict is validated)."""
    if data_map is None:
        return spec.DataMap()
    if isinstance(data_map, spec.DataMap):
        return data_map
    if isinstance(data_map, Mapping):
        try:
            return spec.DataMap.model_validate(dict(data_map))
        except Exception as exc:  # pydantic.ValidationError
            raise WorkspaceError([Problem(str(exc), path="data_map", code="invalid")]) from None
    raise UsageError([Problem(f"data_map must be spec.DataMap or a dict, got "
                              f"{type(data_map).__name__}", code="bad_argument")])


class Answers:
    """Normalised answers of both sections, with the problems found reading them."""

    def __init__(self, rb: Rulebook, c: spec.Compliance, dm: spec.DataMap):
        self.rb = rb
        self.values: dict[str, tuple[Any, str]] = {}
        self.raw: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self.art9_by_source: dict[str, tuple[Any, str]] = {}
        self.declared_role = c.ai_act.role
        source_ids = [s.id for s in dm.sources]
        for section, answers, base in (
            ("ai_act", c.ai_act.answers, "compliance.ai_act.answers"),
            ("gdpr", c.gdpr.answers, "compliance.gdpr.answers"),
        ):
            known = [q.id for q in rb.questions.values() if q.section == section]
            for key, raw in answers.items():
                path = f"{base}.{key}"
                if section == "gdpr" and key.startswith(ART9_PREFIX):
                    sid = key[len(ART9_PREFIX):]
                    if sid not in source_ids:
                        self.problems.append(
                            Problem(f"'{key}' names data source '{sid}', which is not in "
                                    "data_map.sources", path=path,
                                    fix=suggest(sid, source_ids, cutoff=0.5),
                                    code="unknown_answer")
                        )
                        continue
                    v, state, probs = normalise(rb.questions["art9_condition"], raw, path)
                    self.problems.extend(probs)
                    self.art9_by_source[sid] = (v, state)
                    continue
                q = rb.questions.get(key)
                if q is None or q.section != section:
                    if q is not None:
                        other = "compliance.gdpr.answers" if q.section == "gdpr" else \
                            "compliance.ai_act.answers"
                        fix = f"it is a {q.section} question: move it to {other}"
                    else:
                        fix = suggest(key, known, cutoff=0.5)
                    self.problems.append(
                        Problem(f"unknown question id '{key}'; the answer is not used",
                                path=path, fix=fix, code="unknown_answer")
                    )
                    continue
                v, state, probs = normalise(q, raw, path)
                self.problems.extend(probs)
                self.values[key] = (v, state)
                self.raw[key] = raw

    def state(self, qid: str) -> tuple[Any, str]:
        """Return (value, state) of a question; state is answered, unsure or unanswered."""
        return self.values.get(qid, (None, "unanswered"))


class Walk:
    """Reads answers for the decision list and records what it used and assumed."""

    def __init__(self, answers: Answers):
        self.a = answers
        self.used: dict[str, Any] = {}
        self.assumed: dict[str, Any] = {}

    def get(self, qid: str) -> Any:
        """Return the answer, or the stricter branch if there is none (and record which)."""
        q = self.a.rb.questions[qid]
        value, state = self.a.state(qid)
        if state == "answered":
            self.used[qid] = value
            return value
        eff = q.stricter
        self.used[qid] = eff
        self.assumed[qid] = eff
        return eff

    def definite(self, qid: str) -> bool:
        """Return whether the question has a definite answer."""
        return self.a.state(qid)[1] == "answered"

    def explicit(self, qid: str) -> Any:
        """Return the answer if given (None otherwise), recording nothing."""
        value, state = self.a.state(qid)
        return value if state == "answered" else None


def holds(cond: Any, answers: Answers, facts: Mapping[str, bool]) -> bool:
    """Return whether a question's ``ask_if`` condition holds for these answers and facts."""
    if cond is None:
        return True
    if "all" in cond:
        return all(holds(c, answers, facts) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, answers, facts) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], answers, facts)
    if "fact" in cond:
        return bool(facts.get(cond["fact"], False))
    value, state = answers.state(cond["answer"])
    if "in" in cond:
        wanted = cond["in"]
        if state == "unanswered":
            return None in wanted
        if state == "unsure":
            return "unsure" in wanted
        return value in wanted
    if "includes" in cond:
        if state == "unsure":
            return True
        return state == "answered" and isinstance(value, list) and any(
            v in value for v in cond["includes"])
    msg = f"unknown ask_if condition {cond!r} in the rulebook"
    raise WorkspaceError([Problem(msg, code="rulebook")])
