"""Safe arithmetic formulas over named values: the metric tree's and the business case's maths.

A formula such as ``handle_time_min / 60 * hourly_cost`` is parsed once with Python's
:mod:`ast` (``mode="eval"``) and checked against a whitelist: numbers, names, ``+ - * / **``,
unary ``+``/``-``, parentheses and calls to ``min``, ``max`` and ``abs``.  Nothing else is
accepted (no attributes, subscripts, comparisons, strings, lambdas, keyword arguments), and the
text is never passed to :func:`eval` or :func:`compile`: the checked tree is walked by a small
interpreter of our own.  Every problem a person can cause raises an
:class:`~aipo_widgets.errors.AipoError` subclass that quotes the formula and says how to fix it:

* :class:`FormulaError` (a :class:`~aipo_widgets.errors.UsageError`) when the text is not an
  allowed formula;
* :class:`EvaluationError` (a :class:`~aipo_widgets.errors.DataError`) when the values do not
  fit: a missing name, a division by zero, an overflow, a result that is not a real number.

The same formula evaluates on plain numbers (:meth:`Expression.evaluate`, Python floats, fast
enough for thousands of calls in the metric tree's attribution) and on numpy arrays
(:meth:`Expression.evaluate_array`, broadcasting, one call for the business case's 10,000
Monte Carlo samples).  Both follow IEEE-754 double arithmetic, with one rule: any operation that
would produce an infinity or NaN is an error rather than a silent ``inf``, so that a division by
zero can never hide behind a later ``1 / inf == 0``.

Examples
--------
>>> e = Expression("tickets * (1 - deflection) * minutes / 60 * hourly_cost")
>>> e.names
('tickets', 'deflection', 'minutes', 'hourly_cost')
>>> e.evaluate({"tickets": 1000, "deflection": 0.2, "minutes": 9, "hourly_cost": 40})
4800.0
>>> import numpy as np
>>> e.evaluate_array({"tickets": 1000, "deflection": np.array([0.1, 0.2]), "minutes": 9,
...                   "hourly_cost": 40})
array([5400., 4800.])
>>> Expression("__import__('os').system('rm -rf /')")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
aipo_widgets.analysis.formulas.FormulaError: formula "__import__('os').system('rm -rf /')": ...
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from aipo_widgets._text import suggest
from aipo_widgets.errors import DataError, Problem, UsageError

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "EvaluationError",
    "Expression",
    "FormulaError",
    "evaluate",
]

#: The functions a formula may call, with the number of arguments each takes.
FUNCTIONS: dict[str, tuple[int, int | None]] = {"min": (2, None), "max": (2, None), "abs": (1, 1)}
#: Longest formula text accepted (characters); a formula is a line, not a program.
_NO_NAMES = "no names are defined"
MAX_LENGTH = 2000
#: Deepest nesting of operations accepted; keeps the interpreter's recursion bounded.
MAX_DEPTH = 60

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNARY = {ast.UAdd: "+", ast.USub: "-"}
_OTHER_BINOPS = {
    "FloorDiv": "//", "Mod": "%", "MatMult": "@", "BitAnd": "&", "BitOr": "|", "BitXor": "^",
    "LShift": "<<", "RShift": ">>",
}
_FIX_SYNTAX = (
    "write arithmetic over metric ids: numbers, names, + - * / **, parentheses, "
    "min(a, b, ...), max(a, b, ...), abs(a)"
)

# The human names of the node types a person is most likely to try, for the error message.
_NODE_WORDS = {
    "Attribute": "attribute access ('.')",
    "Subscript": "indexing ('[...]')",
    "Compare": "a comparison",
    "BoolOp": "'and' / 'or'",
    "IfExp": "'... if ... else ...'",
    "Lambda": "a lambda",
    "Constant": "a constant that is not a number",
    "JoinedStr": "an f-string",
    "List": "a list",
    "Tuple": "a tuple",
    "Dict": "a dict",
    "Set": "a set",
    "ListComp": "a comprehension",
    "GeneratorExp": "a generator",
    "Starred": "'*' unpacking",
    "NamedExpr": "':='",
    "Await": "'await'",
    "Yield": "'yield'",
    "Call": "a call",
}


class FormulaError(UsageError):
    """The text is not an allowed formula (syntax, a forbidden construct, a bad name)."""


class EvaluationError(DataError):
    """The formula is fine but the values given do not let it produce a real, finite number."""


def _shown(text: str, limit: int = 120) -> str:
    # Quote long formulas by their start: the message must stay readable.
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _problem(text: str, message: str, fix: str, where: str, code: str) -> Problem:
    return Problem(f'formula "{_shown(text)}": {_shown(message, 300)}', path=where, fix=fix,
                   code=code)


# ------------------------------------------------------------------------------------------------
# Compilation: the checked AST becomes nested tuples the interpreter walks.
#   ("num", value)            ("name", id)
#   ("neg", x, src)           ("bin", op, left, right, src)      ("call", fname, [args], src)


class _Compiler:
    def __init__(self, text: str, where: str):
        self.text = text
        self.where = where
        self.names: dict[str, None] = {}  # ordered set

    def fail(self, message: str, fix: str = _FIX_SYNTAX, code: str = "formula_syntax"
             ) -> NoReturn:
        raise FormulaError([_problem(self.text, message, fix, self.where, code)])

    def compile(self, node: ast.AST, depth: int = 0) -> tuple:
        if depth > MAX_DEPTH:
            self.fail(
                f"nests more than {MAX_DEPTH} operations deep",
                "split the formula into intermediate metrics",
                "formula_too_deep",
            )
        if isinstance(node, ast.Expression):
            return self.compile(node.body, depth + 1)
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(f"{value!r} is not a number; only numbers may appear as constants")
            source = _shown(ast.get_source_segment(self.text, node) or repr(value), 30)
            try:
                number = float(value)
            except OverflowError:
                number = math.inf
            if not math.isfinite(number):
                self.fail(
                    f"the number {source} is too large (beyond ±1.8e308)",
                    "use a smaller unit, e.g. millions instead of units",
                    "overflow",
                )
            return ("num", number)
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                self.fail(
                    f"'{node.id}' is a function; call it with arguments, e.g. {node.id}(a, b)"
                )
            self.names.setdefault(node.id, None)
            return ("name", node.id)
        if isinstance(node, ast.UnaryOp):
            op = _UNARY.get(type(node.op))
            if op is None:
                self.fail(f"the operator in '{ast.unparse(node)}' is not allowed")
            inner = self.compile(node.operand, depth + 1)
            return inner if op == "+" else ("neg", inner, ast.unparse(node))
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                symbol = _OTHER_BINOPS.get(type(node.op).__name__, type(node.op).__name__)
                self.fail(f"the operator '{symbol}' is not allowed (only + - * / **)")
            left = self.compile(node.left, depth + 1)
            right = self.compile(node.right, depth + 1)
            return ("bin", op, left, right, ast.unparse(node))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = ast.unparse(node.func)
                self.fail(
                    f"calls '{called}', which is not allowed; only min, max and abs can be called"
                )
            fname = node.func.id
            if node.keywords:
                self.fail(f"{fname}() takes no keyword arguments")
            if any(isinstance(a, ast.Starred) for a in node.args):
                self.fail(f"{fname}() takes no '*' arguments")
            lo, hi = FUNCTIONS[fname]
            n = len(node.args)
            if n < lo or (hi is not None and n > hi):
                want = f"exactly {lo}" if lo == hi else f"at least {lo}"
                self.fail(f"{fname}() takes {want} argument(s), got {n}")
            args = [self.compile(a, depth + 1) for a in node.args]
            return ("call", fname, args, ast.unparse(node))
        kind = type(node).__name__
        self.fail(f"{_NODE_WORDS.get(kind, kind)} is not allowed in a formula")
        raise AssertionError("unreachable")  # pragma: no cover


# ------------------------------------------------------------------------------------------------
# The scalar interpreter: Python floats, checked after every operation.


class _Scalar:
    def __init__(self, expr: Expression, values: Mapping[str, float]):
        self.expr = expr
        self.values = values

    def fail(self, message: str, fix: str, code: str) -> NoReturn:
        raise EvaluationError([_problem(self.expr.text, message, fix, self.expr.where, code)])

    def run(self, node: tuple) -> float:
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "name":
            return self.values[node[1]]
        if kind == "neg":
            return -self.run(node[1])
        if kind == "bin":
            _, op, left, right, src = node
            a = self.run(left)
            b = self.run(right)
            return self.binop(op, a, b, src, right)
        _, fname, args, src = node
        vals = [self.run(a) for a in args]
        if fname == "abs":
            return abs(vals[0])
        return min(vals) if fname == "min" else max(vals)

    def binop(self, op: str, a: float, b: float, src: str, right: tuple) -> float:
        try:
            if op == "+":
                r = a + b
            elif op == "-":
                r = a - b
            elif op == "*":
                r = a * b
            elif op == "/":
                if b == 0:
                    self._zero(src, right)
                r = a / b
            else:
                if a == 0 and b < 0:
                    self._zero(src, right, power=True)
                r = a**b
        except OverflowError:
            r = math.inf
        if isinstance(r, complex):
            self.fail(
                f"'{src}' raises the negative number {a:g} to the non-integer power {b:g}, "
                "which is not a real number",
                "make the base non-negative, e.g. abs(...), or use an integer exponent",
                "not_real",
            )
        if not math.isfinite(r):
            self.fail(
                f"'{src}' overflows (the result is beyond ±1.8e308)",
                "check the inputs' units and magnitudes; exponents should be small",
                "overflow",
            )
        return r

    def _zero(self, src: str, right: tuple, power: bool = False):
        if power:
            what, culprit = "raises 0 to a negative power", "the base is 0"
        else:
            what = "divides by zero"
            culprit = f"'{right[1]}' is 0" if right[0] == "name" else "the divisor is 0"
        self.fail(
            f"'{src}' {what}: {culprit}",
            "give the divisor a non-zero value, or guard it in the formula, e.g. max(x, 1)",
            "division_by_zero",
        )


# ------------------------------------------------------------------------------------------------
# The array interpreter: numpy float64 with broadcasting, checked after every operation.


class _Array:
    def __init__(self, expr: Expression, values: Mapping[str, Any]):
        import numpy as np

        self.np = np
        self.expr = expr
        self.values = values

    def fail(self, message: str, fix: str, code: str) -> NoReturn:
        raise EvaluationError([_problem(self.expr.text, message, fix, self.expr.where, code)])

    def run(self, node: tuple):
        np = self.np
        kind = node[0]
        if kind == "num":
            return np.float64(node[1])
        if kind == "name":
            return self.values[node[1]]
        if kind == "neg":
            return np.negative(self.run(node[1]))
        if kind == "bin":
            _, op, left, right, src = node
            return self.binop(op, self.run(left), self.run(right), src, right)
        _, fname, args, src = node
        vals = [self.run(a) for a in args]
        if fname == "abs":
            return np.abs(vals[0])
        func = np.minimum if fname == "min" else np.maximum
        out = vals[0]
        for v in vals[1:]:
            out = func(out, v)
        return out

    def binop(self, op: str, a, b, src: str, right: tuple):
        np = self.np
        with np.errstate(all="ignore"):
            if op == "+":
                r = np.add(a, b)
            elif op == "-":
                r = np.subtract(a, b)
            elif op == "*":
                r = np.multiply(a, b)
            elif op == "/":
                zero = np.asarray(b) == 0
                if zero.any():
                    self._zero(src, right, int(zero.sum()), int(zero.size))
                r = np.divide(a, b)
            else:
                bad = (np.asarray(a) == 0) & (np.asarray(b) < 0)
                if bad.any():
                    self._zero(src, right, int(bad.sum()), int(bad.size), power=True)
                r = np.power(a, b)
        finite = np.isfinite(r)
        if not finite.all():
            n_bad = int((~finite).sum())
            nan = np.isnan(r)
            if nan.any():
                self.fail(
                    f"'{src}' is not a real number in {self._count(int(nan.sum()), r)} "
                    "(a negative base raised to a non-integer power)",
                    "make the base non-negative, e.g. abs(...), or use an integer exponent",
                    "not_real",
                )
            self.fail(
                f"'{src}' overflows (beyond ±1.8e308) in {self._count(n_bad, r)}",
                "check the inputs' units and magnitudes; exponents should be small",
                "overflow",
            )
        return r

    @staticmethod
    def _count(n: int, r) -> str:
        size = int(getattr(r, "size", 1))
        return "the value" if size == 1 else f"{n} of {size} values"

    def _zero(self, src: str, right: tuple, n: int, size: int, power: bool = False):
        where = "" if size == 1 else f" in {n} of {size} values"
        if power:
            what, culprit = "raises 0 to a negative power", "the base is 0"
        else:
            what = "divides by zero"
            culprit = f"'{right[1]}' is 0" if right[0] == "name" else "the divisor is 0"
        self.fail(
            f"'{src}' {what}{where}: {culprit}",
            "give the divisor a non-zero value (or range), or guard it, e.g. max(x, 1)",
            "division_by_zero",
        )


class Expression:
    """A formula parsed once and checked against the whitelist, ready to evaluate many times.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"revenue - cost"``.  Allowed: numbers, names (Python identifiers),
        ``+ - * / **``, unary ``+``/``-``, parentheses, ``min(a, b, ...)``, ``max(a, b, ...)``
        and ``abs(a)``.
    where : str, default ""
        Where the formula comes from, e.g. ``metric_tree.nodes[3].formula``; errors carry it as
        their path.

    Attributes
    ----------
    text : str
        The formula as given (stripped).
    names : tuple of str
        The names it uses, in order of first appearance.
    where : str
        Its location, as given.

    Raises
    ------
    FormulaError
        If the text is empty, too long, not valid Python syntax, or uses anything outside the
        whitelist.

    Examples
    --------
    >>> Expression("max(a, b) ** 2 / -c").evaluate({"a": 1, "b": 3, "c": 2})
    -4.5
    >>> Expression("a +* b")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aipo_widgets.analysis.formulas.FormulaError: formula "a +* b": is not valid: invalid syntax ...
    >>> Expression("x.real")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aipo_widgets.analysis.formulas.FormulaError: formula "x.real": attribute access ('.') ...
    """

    __slots__ = ("_tree", "names", "text", "where")

    def __init__(self, text: str, where: str = ""):
        if not isinstance(text, str):
            msg = f"a formula must be a string, got {type(text).__name__} {text!r}"
            raise FormulaError([Problem(msg, path=where, fix="quote the formula")])
        self.text = text.strip()
        self.where = where
        if not self.text:
            raise FormulaError(
                [_problem(self.text, "is empty", "write a formula or remove the field", where,
                          "formula_empty")]
            )
        if len(self.text) > MAX_LENGTH:
            raise FormulaError(
                [_problem(self.text[:40] + "...", f"is longer than {MAX_LENGTH} characters",
                          "split it into intermediate metrics", where, "formula_too_long")]
            )
        if "\x00" in self.text:
            # Python versions disagree on the exception for this; answer it ourselves.
            raise FormulaError(
                [_problem(self.text.replace("\x00", "\\x00"), "contains a null byte",
                          "retype the formula", where, "formula_syntax")]
            )
        try:
            with warnings.catch_warnings():
                # "1and 2" and friends make the parser warn; the error below says it better.
                warnings.simplefilter("ignore")
                parsed = ast.parse(self.text, mode="eval")
        except SyntaxError as exc:
            detail = exc.msg or "invalid syntax"
            col = f" at column {exc.offset}" if exc.offset else ""
            raise FormulaError(
                [_problem(self.text, f"is not valid: {detail}{col}", _FIX_SYNTAX, where,
                          "formula_syntax")]
            ) from None
        except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
            # Null bytes (ValueError), absurd nesting (RecursionError/MemoryError) or
            # integer literals too long to convert (ValueError) end up here.
            raise FormulaError(
                [_problem(self.text[:80], f"cannot be read ({type(exc).__name__}: {exc})",
                          _FIX_SYNTAX, where, "formula_syntax")]
            ) from None
        compiler = _Compiler(self.text, where)
        try:
            self._tree = compiler.compile(parsed)
        except RecursionError:  # pragma: no cover - MAX_DEPTH stops this first
            raise FormulaError(
                [_problem(self.text[:80], "nests too deep", "split the formula", where,
                          "formula_too_deep")]
            ) from None
        self.names: tuple[str, ...] = tuple(compiler.names)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    # -- checks -------------------------------------------------------------------------------

    def unknown_names(self, known: Iterable[str]) -> list[Problem]:
        """Return one problem per name the formula uses that is not among ``known``.

        Parameters
        ----------
        known : iterable of str
            The names that will be available when it is evaluated.

        Returns
        -------
        list of Problem
            Empty when every name is known; otherwise each problem suggests the closest name.

        Examples
        --------
        >>> [p.fix for p in Expression("revenu - cost").unknown_names(["revenue", "cost"])]
        ["did you mean 'revenue'?"]
        """
        known = set(known)
        return [
            _problem(self.text, f"uses '{n}', which is not defined",
                     suggest(n, sorted(known), none=_NO_NAMES), self.where, "unknown_name")
            for n in self.names
            if n not in known
        ]

    def _check_values(self, values: Mapping[str, Any]) -> None:
        if not isinstance(values, Mapping):
            msg = f"values must be a mapping of name -> number, got {type(values).__name__}"
            raise UsageError([Problem(msg, path=self.where, fix="pass a dict")])
        missing = [n for n in self.names if n not in values]
        if missing:
            raise EvaluationError(
                [
                    _problem(self.text, f"needs a value for '{n}', which was not given",
                             suggest(n, sorted(values), none=_NO_NAMES), self.where,
                             "missing_value")
                    for n in missing
                ]
            )

    # -- evaluation -----------------------------------------------------------------------------

    def evaluate(self, values: Mapping[str, float]) -> float:
        """Evaluate on plain numbers.

        Parameters
        ----------
        values : mapping of str to float
            A real, finite number for every name in :attr:`names` (other keys are ignored).

        Returns
        -------
        float

        Raises
        ------
        EvaluationError
            If a name has no value, a value is not a finite real number, or an operation divides
            by zero, overflows or leaves the real numbers.

        Examples
        --------
        >>> Expression("a / b").evaluate({"a": 1, "b": 0})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        aipo_widgets.analysis.formulas.EvaluationError: formula "a / b": 'a / b' divides by ...
        >>> Expression("10 ** 400").evaluate({})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        aipo_widgets.analysis.formulas.EvaluationError: formula "10 ** 400": '10 ** 400' ...
        """
        self._check_values(values)
        clean: dict[str, float] = {}
        bad: list[Problem] = []
        for n in self.names:
            v = values[n]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                try:
                    import numpy as np

                    if isinstance(v, np.generic) and np.ndim(v) == 0 and not isinstance(
                        v, np.bool_
                    ):
                        v = float(v)
                except ImportError:  # pragma: no cover
                    pass
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                bad.append(
                    _problem(self.text, f"'{n}' must be a number, got {type(v).__name__} {v!r}",
                             "give it a number", self.where, "bad_value")
                )
                continue
            try:
                fv = float(v)
            except OverflowError:
                fv = math.inf
            if not math.isfinite(fv):
                bad.append(
                    _problem(self.text, f"'{n}' is {v!r}, not a finite number",
                             "fill in a real measured value", self.where, "bad_value")
                )
            clean[n] = fv
        if bad:
            raise EvaluationError(bad)
        return float(_Scalar(self, clean).run(self._tree))

    def evaluate_array(self, values: Mapping[str, Any]):
        """Evaluate on numbers or numpy arrays at once, with numpy broadcasting.

        Parameters
        ----------
        values : mapping of str to float or array_like
            Each name's value: a number or an array; arrays must broadcast together.

        Returns
        -------
        numpy.ndarray
            float64, of the broadcast shape of the inputs (0-d when every input is a number).

        Raises
        ------
        EvaluationError
            As :meth:`evaluate`, saying in how many elements the problem occurs.

        Examples
        --------
        >>> import numpy as np
        >>> Expression("min(a, b) * 2").evaluate_array({"a": np.arange(3.0), "b": 1.0})
        array([0., 2., 2.])
        """
        import numpy as np

        self._check_values(values)
        clean: dict[str, Any] = {}
        bad: list[Problem] = []
        for n in self.names:
            v = values[n]
            try:
                arr = np.asarray(v, dtype=np.float64)
            except (TypeError, ValueError):
                bad.append(
                    _problem(self.text, f"'{n}' must be numbers, got {type(v).__name__}",
                             "pass floats or a float array", self.where, "bad_value")
                )
                continue
            if arr.dtype == object or isinstance(v, (bool, np.bool_)):  # pragma: no cover
                bad.append(
                    _problem(self.text, f"'{n}' must be numbers", "pass floats", self.where,
                             "bad_value")
                )
                continue
            finite = np.isfinite(arr)
            if not finite.all():
                bad.append(
                    _problem(self.text,
                             f"'{n}' has {int((~finite).sum())} non-finite value(s) (NaN or inf)",
                             "fill or drop the missing values first", self.where, "bad_value")
                )
            clean[n] = arr
        if bad:
            raise EvaluationError(bad)
        try:
            np.broadcast_shapes(*(a.shape for a in clean.values()))
        except ValueError:
            shapes = ", ".join(f"{k}: {a.shape}" for k, a in clean.items())
            raise EvaluationError(
                [_problem(self.text, f"the arrays do not broadcast together ({shapes})",
                          "give every array the same length", self.where, "bad_shape")]
            ) from None
        out = _Array(self, clean).run(self._tree)
        shape = np.broadcast_shapes(*(a.shape for a in clean.values())) if clean else ()
        return np.broadcast_to(np.asarray(out, dtype=np.float64), shape).copy()

    def to_dict(self) -> dict:
        """Return the formula as a JSON-ready dict.

        Examples
        --------
        >>> Expression("a * b").to_dict()
        {'text': 'a * b', 'names': ['a', 'b'], 'where': ''}
        """
        return {"text": self.text, "names": list(self.names), "where": self.where}


def evaluate(text: str, values: Mapping[str, float]) -> float:
    """Parse and evaluate a formula in one call (parse once with :class:`Expression` to reuse it).

    Parameters
    ----------
    text : str
        The formula.
    values : mapping of str to float
        A value for every name it uses.

    Returns
    -------
    float

    Examples
    --------
    >>> evaluate("abs(a - b) / 2", {"a": 1, "b": 5})
    2.0
    """
    return Expression(text).evaluate(values)
