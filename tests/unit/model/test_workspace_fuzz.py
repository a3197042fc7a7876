"""3,000 mutated workspace files: only the kit's own AipoError may leave the loader and validator.

The mutations are those of an attack on the kit (issue 14): lines dropped, repeated, re-indented
or replaced; hostile values (NaN, infinity, huge numbers, foreign tags, aliases, deep nesting,
control and zero-width characters, impossible dates); formula injections; random bytes. Each
file goes through what ``aipo validate`` does (the loader, the questionnaire and the formula
checks). Deterministic (hypothesis derandomised, no example database) and bounded: each file is
made from one integer seed, so :func:`mutate` reproduces any failure outside hypothesis too.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.compliance import check_answers
from aipo_widgets.analysis.formula_checks import formula_problems
from aipo_widgets.errors import AipoError
from aipo_widgets.model.workspace import validate_text

N_FILES = 3000

# Small, so that 3,000 files take seconds (parsing dominates), yet every kind of section the
# validator checks beyond the schema is there: formulas, a criterion, a kill switch, a reference.
BASE = """\
schema_version: 1
product:
  name: Ticket summaries  # as stakeholders call it
  owner: Jana Keller
  start_date: 2026-09-01
metric_tree:
  root: cost
  nodes:
    - id: cost
      name: Cost per ticket
      designation: north_star
      formula: minutes / 60 * rate
    - {id: minutes, name: Minutes, parent: cost, baseline: 18.4, target: 13.8}
    - {id: rate, name: Hourly cost, parent: cost, baseline: 52.0}
acceptance_criteria:
  - {id: AC1, metric: minutes, operator: "<=", value: 13.8}
risks:
  - {id: R1, title: Invents facts, category: model, likelihood: 3, impact: 4}
backlog:
  - {id: B1, title: PII filter, type: risk, mitigates: [R1]}
business_case:
  horizon_months: 6
  drivers:
    gain: {conservative: 1, realistic: 2, optimistic: 3}
  one_off_cost: gain * 3
  monthly_benefit: gain * adoption
kill_switch:
  conditions:
    - id: K1
      metric: minutes
      operator: ">"
      value: 30
"""

HOSTILE_VALUES = [
    ".nan", ".NaN", ".inf", "-.inf", "1e309", "-1e400", "9" * 400, "0x1F", "0o17", "1_000",
    "~", "null", "''", '""', "[]", "{}", "yes", "on", "2026-13-45", "2026-02-30", "12:30:00",
    "!!omap [a: 1]", "!!set {a, b}", "!!binary aGVsbG8=", "!!python/object:os.system {}",
    "!!python/name:os.system ''", "!!python/object/apply:os.system [id]", "!custom x",
    "!!timestamp nope", "!!int x", "!!float y", "!!bool maybe", "!!null x", "!!str [a]",
    "*undefined", "&a [*a]", "&x 1", "<<: {a: 1}", "'unterminated", '"bad \\q escape"',
    "\x00", "a\u200bb", "\u202etxt", "\ufeffbom", "Ｔｉｃｋｅｔ ＠ ５", "\t", "a: b: c", "- - -",
    "[" * 40 + "]" * 40, "{a: " * 40 + "1" + "}" * 40, "[" * 300 + "]" * 300,
    "__import__('os').system('id')", "(1).__class__", "x if y else z", "lambda: 0",
    "a +* b", "min()", "abs(1, 2)", "1 / 0", "2 ** 99999", "cost_per_tiket * 2",
    "handle_time_min @ hourly_cost", "'a' * 10", "<script>alert(1)</script>",
    "![x](http://127.0.0.1:9/p.png)", "[Approve](javascript:alert(1))",
]

ALIAS_BOMB = "".join(
    f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9) if i else ', '.join(['x'] * 9)}]\n"
    for i in range(9)
)
BLOCKS = [
    ALIAS_BOMB,
    "deep:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(120)) + "  " * 121 + "v\n",
    "deep: " + "[" * 260 + "]" * 260 + "\n",
    "x: &r [1]\ny: [*r, *r, *r]\n",
    "compliance:\n  answers: {q1: !!python/object:os.system {}}\n",
    "? [a, b]\n: c\n",
    "---\nproduct: {name: x}\n",
    "%YAML 1.1\n---\nproduct: {name: x, owner: y}\n",
]


def mutate(text: str, seed: int) -> str:
    """Return ``text`` mutated 1 to 4 times, the same for the same seed."""
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        kind = rng.choice(["drop", "dup", "indent", "value", "value", "value", "garbage",
                           "block", "bytes", "formula"])
        if kind == "drop":
            del lines[i]
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "indent":
            lines[i] = rng.choice(["", " ", "   ", "\t", "      "]) + lines[i].lstrip()
        elif kind in ("value", "formula") and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            if kind == "formula":
                key = key[: len(key) - len(key.lstrip())] + "formula"
            lines[i] = f"{key}: {rng.choice(HOSTILE_VALUES)}\n"
        elif kind == "block":
            lines.insert(i if rng.random() < 0.5 else len(lines), rng.choice(BLOCKS))
        elif kind == "bytes":
            chars = list(lines[i])
            for _ in range(rng.randint(1, 3)):
                chars.insert(rng.randrange(len(chars) + 1), chr(rng.choice(
                    [0, 7, 9, 0x85, 0xA0, 0x200B, 0x2028, 0xFEFF, 0xFF0E, rng.randrange(32, 0x3000)]
                )))
            lines[i] = "".join(chars)
        else:
            lines[i] = "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randrange(20))) + "\n"
        if not lines:
            lines = ["\n"]
    return "".join(lines)


def check(text: str) -> str:
    """Run the loader and the validator's checks; return the outcome's kind.

    Raises whatever the kit lets out other than :class:`AipoError`.
    """
    try:
        wf, problems = validate_text(text, "aipo.yaml")
        if wf is None:
            assert problems and all(p.message and p.file == "aipo.yaml" for p in problems)
            return "refused"
        ws = wf.workspace
        found = check_answers(ws.compliance, ws.data_map) + formula_problems(ws)
        return "refused" if found else "valid"
    except AipoError as exc:
        assert exc.problems
        return "refused"


@settings(max_examples=N_FILES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1))
def test_mutated_workspace_files_only_ever_give_aipo_errors(seed: int) -> None:
    check(mutate(BASE, seed))


def test_the_fuzz_base_is_valid_and_the_mutations_are_hostile() -> None:
    assert check(BASE) == "valid"
    outcomes = [check(mutate(BASE, seed)) for seed in range(40)]
    assert outcomes.count("refused") > 20  # most mutations break the file
