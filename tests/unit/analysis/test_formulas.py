"""Tests of the safe formula evaluator."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.formulas import EvaluationError, Expression, FormulaError, evaluate
from aipo_widgets.errors import AipoError, DataError, UsageError

# --------------------------------------------------------------------------------------------
# Hand-computed values


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("1 + 2 * 3", {}, 7.0),
        ("(1 + 2) * 3", {}, 9.0),
        ("2 ** 3 ** 2", {}, 512.0),  # right-associative, as in Python and maths
        ("-2 ** 2", {}, -4.0),  # unary minus binds looser than **
        ("+a - -b", {"a": 1, "b": 2}, 3.0),
        ("a / b", {"a": 1, "b": 4}, 0.25),
        ("min(a, b, c)", {"a": 3, "b": -1, "c": 2}, -1.0),
        ("max(a, 2 * a)", {"a": -3}, -3.0),
        ("abs(a - b)", {"a": 1, "b": 5}, 4.0),
        ("handle_time_min / 60 * hourly_cost", {"handle_time_min": 9, "hourly_cost": 40}, 6.0),
        ("1e3 + 0x10 + 1_000", {}, 2016.0),
        ("(-8) ** 2", {}, 64.0),
        ("0 ** 0", {}, 1.0),
        ("x ** 0.5", {"x": 2.25}, 1.5),
    ],
)
def test_hand_computed(text, values, expected):
    assert Expression(text).evaluate(values) == expected
    assert float(Expression(text).evaluate_array(values)) == expected


def test_names_in_order_of_appearance_without_duplicates():
    e = Expression("b * a + b / c + max(a, d)")
    assert e.names == ("b", "a", "c", "d")


def test_extra_values_are_ignored_and_numpy_scalars_accepted():
    assert Expression("a * 2").evaluate({"a": np.float64(1.5), "zzz": "not used"}) == 3.0
    assert Expression("a * 2").evaluate({"a": np.int64(2)}) == 4.0


def test_evaluate_function():
    assert evaluate("a + 1", {"a": 1}) == 2.0


def test_equality_hash_repr_to_dict():
    a, b = Expression("a+b"), Expression(" a+b ")
    assert a == b and hash(a) == hash(b)
    assert repr(a) == "Expression('a+b')"
    assert a.to_dict() == {"text": "a+b", "names": ["a", "b"], "where": ""}


# --------------------------------------------------------------------------------------------
# Rejections at parse time


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("a +", "is not valid"),
        ("a.b", "attribute access"),
        ("a[0]", "indexing"),
        ("a < b", "comparison"),
        ("a and b", "'and' / 'or'"),
        ("a if b else c", "if ... else"),
        ("lambda: 1", "lambda"),
        ("'text'", "is not a number"),
        ("True", "is not a number"),
        ("None", "is not a number"),
        ("1j", "is not a number"),
        ("a // 2", "'//'"),
        ("a % 2", "'%'"),
        ("a @ b", "'@'"),
        ("a ^ b", "'^'"),
        ("~a", "not allowed"),
        ("not a", "not allowed"),
        ("f(x)", "only min, max and abs"),
        ("__import__('os').system('echo hi')", "only min, max and abs"),
        ("eval('1')", "only min, max and abs"),
        ("min", "is a function"),
        ("min(1)", "at least 2"),
        ("abs(1, 2)", "exactly 1"),
        ("max(a=1, b=2)", "keyword"),
        ("max(*a)", "'*'"),
        ("[1, 2]", "a list"),
        ("(1, 2)", "a tuple"),
        ("{1: 2}", "a dict"),
        ("[x for x in y]", "comprehension"),
        ("f'{a}'", "f-string"),
        ("a := 1", "is not valid"),
        ("1; 2", "is not valid"),
        ("import os", "is not valid"),
        ("a\x00b", "null byte"),
        ("1e999", "too large"),
        ("9" * 400, "too large"),
        ("x" * 2001, "longer than"),
        ("-" * 100 + "1", "nests more than"),
        ("(" * 300 + "1" + ")" * 300, "is not valid"),
    ],
)
def test_rejected(text, fragment):
    with pytest.raises(FormulaError) as info:
        Expression(text, where="metric_tree.nodes[0].formula")
    assert isinstance(info.value, UsageError)
    assert fragment in str(info.value)
    assert info.value.problems[0].path == "metric_tree.nodes[0].formula"


def test_redundant_parentheses_are_not_nesting():
    assert Expression("(" * 150 + "1" + ")" * 150).evaluate({}) == 1.0


def test_non_string_rejected():
    with pytest.raises(FormulaError, match="must be a string"):
        Expression(3)  # type: ignore[arg-type]


def test_unknown_names_with_suggestion():
    problems = Expression("revenu - cost * x").unknown_names(["revenue", "cost"])
    assert [p.fix for p in problems] == ["did you mean 'revenue'?", "known: cost, revenue"]
    assert all(p.code == "unknown_name" for p in problems)
    assert Expression("a").unknown_names([])[0].fix == "no names are defined"


# --------------------------------------------------------------------------------------------
# Rejections at evaluation time


@pytest.mark.parametrize(
    ("text", "values", "code"),
    [
        ("a / b", {"a": 1, "b": 0}, "division_by_zero"),
        ("a / (b - b)", {"a": 1, "b": 3}, "division_by_zero"),
        ("0 ** -1", {}, "division_by_zero"),
        ("10 ** 400", {}, "overflow"),
        ("2 ** 2 ** 2 ** 2 ** 2", {}, "overflow"),
        ("a * a", {"a": 1e200}, "overflow"),
        ("a / b", {"a": 1e300, "b": 1e-300}, "overflow"),
        ("(-8) ** (1 / 3)", {}, "not_real"),
        ("a", {"a": float("nan")}, "bad_value"),
        ("a", {"a": float("inf")}, "bad_value"),
        ("a", {"a": None}, "bad_value"),
        ("a", {"a": "3"}, "bad_value"),
        ("a", {"a": True}, "bad_value"),
        ("a", {}, "missing_value"),
    ],
)
def test_evaluation_errors(text, values, code):
    e = Expression(text)
    with pytest.raises(EvaluationError) as info:
        e.evaluate(values)
    assert isinstance(info.value, DataError)
    assert info.value.problems[0].code == code
    assert text in str(info.value)


def test_division_by_zero_message_names_the_divisor_and_the_fix():
    with pytest.raises(EvaluationError) as info:
        Expression("cost / tickets").evaluate({"cost": 10, "tickets": 0})
    assert "'tickets' is 0" in str(info.value)
    assert "max(x, 1)" in str(info.value)


def test_missing_value_suggests_close_key():
    with pytest.raises(EvaluationError, match="did you mean 'tickets'"):
        Expression("ticket * 2").evaluate({"tickets": 1})


def test_values_must_be_a_mapping():
    with pytest.raises(UsageError, match="mapping"):
        Expression("a").evaluate([1])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Vectorised evaluation


def test_array_broadcasting_matches_scalar_loop():
    rng = np.random.default_rng(1)
    a = rng.uniform(1, 2, size=1000)
    b = rng.uniform(1, 2, size=1000)
    e = Expression("min(a, b) * 3 + abs(a - b) ** 2 / b - max(a, 1.5, b)")
    vec = e.evaluate_array({"a": a, "b": b})
    loop = [e.evaluate({"a": x, "b": y}) for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(vec, loop, rtol=0, atol=1e-12)
    assert vec.shape == (1000,)


def test_array_of_constant_formula_has_broadcast_shape():
    out = Expression("2 * 3").evaluate_array({})
    assert out.shape == () and float(out) == 6.0
    out = Expression("a * 0 + 1").evaluate_array({"a": np.zeros((2, 3))})
    assert out.shape == (2, 3)


def test_array_2d_broadcast_months_by_samples():
    months = np.arange(1, 4)[None, :]
    samples = np.array([[1.0], [2.0]])
    out = Expression("m * s").evaluate_array({"m": months, "s": samples})
    np.testing.assert_array_equal(out, [[1, 2, 3], [2, 4, 6]])


@pytest.mark.parametrize(
    ("text", "values", "code", "fragment"),
    [
        ("a / b", {"a": 1.0, "b": np.array([1.0, 0.0, 0.0])}, "division_by_zero", "2 of 3"),
        ("a ** 2", {"a": np.array([1.0, 1e200])}, "overflow", "1 of 2"),
        ("a ** 0.5", {"a": np.array([-1.0, 4.0])}, "not_real", "1 of 2"),
        ("a", {"a": np.array([1.0, np.nan])}, "bad_value", "non-finite"),
        ("a", {"a": np.array(["x"])}, "bad_value", "must be numbers"),
        ("a + b", {"a": np.ones(2), "b": np.ones(3)}, "bad_shape", "broadcast"),
        ("0 ** a", {"a": np.array([1.0, -1.0])}, "division_by_zero", "base is 0"),
    ],
)
def test_array_errors(text, values, code, fragment):
    with pytest.raises(EvaluationError) as info:
        Expression(text).evaluate_array(values)
    assert info.value.problems[0].code == code
    assert fragment in str(info.value)


# --------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_any_text_gives_a_value_or_an_aipo_error(text):
    try:
        e = Expression(text)
    except AipoError:
        return
    values = {n: 1.5 for n in e.names}
    try:
        result = e.evaluate(values)
    except AipoError:
        return
    assert isinstance(result, float) and math.isfinite(result)


_ALPHABET = "ab1.2+-*/()e, minaxbs_"


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_arithmetic_looking_text_never_raises_anything_else(text):
    # Text made of the formula alphabet reaches the interpreter far more often than random text.
    try:
        e = Expression(text)
        e.evaluate({n: 0.5 for n in e.names})
        e.evaluate_array({n: np.array([0.5, -2.0]) for n in e.names})
    except AipoError:
        pass


def _formula():
    leaves = st.one_of(
        st.sampled_from(["a", "b", "c"]),
        st.floats(min_value=-50, max_value=50, allow_nan=False).map(lambda x: f"({x!r})"),
    )

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            children.map(lambda x: f"(-{x})"),
            st.tuples(st.sampled_from(["min", "max"]), children, children).map(
                lambda t: f"{t[0]}({t[1]}, {t[2]})"
            ),
            children.map(lambda x: f"abs({x})"),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    _formula(),
    st.floats(-10, 10, allow_nan=False),
    st.floats(-10, 10, allow_nan=False),
    st.floats(-10, 10, allow_nan=False),
)
def test_matches_python_arithmetic(text, a, b, c):
    # The reference: Python's own float arithmetic on the same generated, whitelisted text
    # (test-only; the kit never evaluates text this way).
    values = {"a": a, "b": b, "c": c}
    try:
        ref = eval(text, {"__builtins__": {}, "min": min, "max": max, "abs": abs}, values)
        ref_ok = isinstance(ref, float) and math.isfinite(ref)
    except (ZeroDivisionError, OverflowError, TypeError):
        # TypeError: Python went complex ((-1) ** 0.5) and then compared; we refuse it earlier.
        ref_ok = False
    e = Expression(text)
    if ref_ok:
        try:
            got = e.evaluate(values)
        except EvaluationError:
            # We refuse intermediate infinities that Python may later turn finite (x / inf).
            return
        assert got == ref
        vec = e.evaluate_array({k: np.array([v]) for k, v in values.items()})
        assert np.ravel(vec)[0] == pytest.approx(ref, rel=1e-9, abs=1e-12)
    else:
        with pytest.raises(EvaluationError):
            e.evaluate(values)
