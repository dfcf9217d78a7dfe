"""Compile-time arithmetic on quantities: `let` values and property values.

Values are exact (`Fraction` times a `Dim`); an error becomes a diagnostic
and the value `None`, so one bad expression does not hide the next.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from fractions import Fraction

from suanli.compiler import units
from suanli.compiler.units import Dim
from suanli.diagnostics import DiagnosticBag, Span, error
from suanli.grammar import ast

MAX_MAGNITUDE = Fraction(10) ** 300  # beyond this a float would overflow or be meaningless
# The range a value may have for the solver, in the unit plans show it in (MW, TFLOPS, TB,
# CNY, h, CNY/MWh ...): docs/reliability.md. Beyond it HiGHS and CBC lose precision, take a
# bound for infinity (1e20) or fail, so the spec is rejected at the value instead (E0509).
# Amounts (money, power, compute, data, time, ... and plain numbers) may reach 1e15; prices
# and intensities (money/data, carbon/energy, ...) multiply small amounts and may reach 1e20
# (the OR-Library specs price transfers at 6.7e15 CNY/TB).
MAX_SOLVER_MAGNITUDE = Fraction(10) ** 15
MAX_SOLVER_RATE_MAGNITUDE = Fraction(10) ** 20
_AMOUNTS = frozenset({units.RATIO, units.MONEY, units.ENERGY, units.TIME, units.WORK, units.DATA,
                      units.CARBON, units.POWER, units.RATE, units.DATA_RATE})


@dataclass(frozen=True, slots=True)
class Q:
    value: Fraction
    dim: Dim


def suggest(name: str, candidates) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


class Currency:
    """Tracks the spec's one currency: a second one is an error at its use."""

    def __init__(self, diags: DiagnosticBag, declared: tuple[str, Span] | None = None):
        self.diags = diags
        self.first = declared

    def use(self, code: str, span: Span) -> None:
        if self.first is None:
            self.first = (code, span)
        elif self.first[0] != code:
            self.diags.add(error(
                "E0302", f"second currency `{code}`: this spec uses {self.first[0]}", span,
                f"{code} used here", extra=[_label(self.first[1], f"{self.first[0]} chosen here")],
                help="a spec has one currency; convert the amount to " + self.first[0]))

    @property
    def code(self) -> str:
        return self.first[0] if self.first else "CNY"


def _label(span: Span, text: str):
    from suanli.diagnostics import Label
    return Label(span, text)


class ConstEvaluator:
    """Evaluates expressions that must be constant (no metrics)."""

    def __init__(self, lets: dict[str, Q], diags: DiagnosticBag, currency: Currency):
        self.lets = lets
        self.diags = diags
        self.currency = currency

    def eval(self, expr: ast.Expr) -> Q | None:
        method = getattr(self, "_" + type(expr).__name__.lower())
        return method(expr)

    def eval_value(self, expr: ast.Expr) -> Q | None:
        """A whole property or `let` value: a bare unit (`power = kW`) is an error, since
        it almost always means a forgotten number."""
        if isinstance(expr, ast.Name) and expr.dotted not in self.lets \
                and units.lookup_unit(expr.dotted) is not None:
            self.diags.add(error("E0508", f"unit `{expr.dotted}` without a number", expr.span,
                                 "a unit alone", help=f"write the number first, e.g. `1 {expr.dotted}`"))
            return None
        return self.eval(expr)

    def _num(self, expr: ast.Num) -> Q | None:
        return _bounded(Q(expr.value, units.RATIO), expr.span, self.diags)

    def _quantity(self, expr: ast.Quantity) -> Q | None:
        unit = self._unit(expr.unit)
        if unit is None:
            return None
        return _bounded(Q(expr.number.value * unit.value, unit.dim), expr.span, self.diags)

    def _unit(self, name: ast.Name) -> Q | None:
        found = units.lookup_unit(name.dotted)
        if found is None:
            self.diags.add(error("E0301", f"unknown unit `{name.dotted}`", name.span, "not a unit",
                                 help=suggest(name.dotted, units.all_unit_names())
                                 or "units are listed in docs/reference.md#units"))
            return None
        if found[1] == units.MONEY:
            self.currency.use(name.dotted, name.span)
        return Q(found[0], found[1])

    def _name(self, expr: ast.Name) -> Q | None:
        if len(expr.parts) == 1 and expr.parts[0] in self.lets:
            return self.lets[expr.parts[0]]
        if units.lookup_unit(expr.dotted) is not None:
            return self._unit(expr)
        candidates = list(self.lets) + units.all_unit_names()
        self.diags.add(error("E0401", f"unknown name `{expr.dotted}`", expr.span,
                             "not a constant or a unit here",
                             help=suggest(expr.dotted, candidates)
                             or "define it with `let` before this line, or write a unit"))
        return None

    def _neg(self, expr: ast.Neg) -> Q | None:
        inner = self.eval(expr.operand)
        return None if inner is None else Q(-inner.value, inner.dim)

    def _binop(self, expr: ast.BinOp) -> Q | None:
        left, right = self.eval(expr.left), self.eval(expr.right)
        if left is None or right is None:
            return None
        return combine(expr.op, left, right, expr.op_span, self.diags)

    def _call(self, expr: ast.Call) -> None:
        self.diags.add(error("E0601", f"`{expr.func}(...)` is a metric, not a constant", expr.span,
                             "metrics belong in require, assert and objective",
                             help="a property or `let` takes a constant such as `60 MW`"))
        return None

    def _other(self, expr) -> None:
        self.diags.add(error("E0501", "expected a quantity", expr.span, "not a number",
                             help="write a number with a unit, e.g. `60 MW`"))
        return None

    _str = _bool = _listexpr = _other


def sum_dims_differ(op: str, left: Dim, right: Dim, span: Span, diags: DiagnosticBag) -> bool:
    """E0303 at the operator when `left op right` (op + or -) adds unlike dimensions.
    Constants (here) and metrics (metrics.binop) report it alike."""
    if left == right:
        return False
    diags.add(error("E0303", f"cannot {'add' if op == '+' else 'subtract'} "
                    f"{right} {'to' if op == '+' else 'from'} {left}", span, f"{left} {op} {right}",
                    help="both sides of + and - must have the same dimension"))
    return True


def combine(op: str, left: Q, right: Q, op_span: Span, diags: DiagnosticBag) -> Q | None:
    """Exact arithmetic with dimension checks; errors point at the operator."""
    if op in "+-":
        if sum_dims_differ(op, left.dim, right.dim, op_span, diags):
            return None
        value = left.value + right.value if op == "+" else left.value - right.value
        return _bounded(Q(value, left.dim), op_span, diags)
    if op == "*":
        return _bounded(Q(left.value * right.value, left.dim * right.dim), op_span, diags)
    if right.value == 0:
        diags.add(error("E0502", "division by zero", op_span, "the divisor is 0"))
        return None
    return _bounded(Q(left.value / right.value, left.dim / right.dim), op_span, diags)


def _bounded(q: Q, span: Span, diags: DiagnosticBag) -> Q | None:
    if abs(q.value) > MAX_MAGNITUDE:
        diags.add(error("E0503", "value out of range (magnitude above 1e300)", span,
                        "overflows here", help="check the units and exponents of this expression"))
        return None
    return q


def solver_range_error(what: str, q: Q, currency: str, span: Span, diags: DiagnosticBag) -> bool:
    """E0509 when `q`, in the unit plans show it in, is beyond what the solver can represent.
    Returns True when it was reported."""
    unit, scale = units.display_unit(q.dim, currency)
    shown = q.value / scale
    amount = q.dim in _AMOUNTS
    if abs(shown) <= (MAX_SOLVER_MAGNITUDE if amount else MAX_SOLVER_RATE_MAGNITUDE):
        return False
    limit = f"{'1e15' if amount else '1e20'} {unit}".strip()
    diags.add(error("E0509", f"{what} is out of the range the solver can represent: "
                    f"{_sci(shown)} {unit}".rstrip() + f", above {limit}", span,
                    "too large to solve with",
                    help=f"values must stay within ±{limit} (docs/reliability.md); check the unit and exponent"))
    return True


def _sci(value: Fraction) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    exp = len(str(value.numerator // value.denominator)) - 1
    return f"{sign}{float(value / Fraction(10) ** exp):.3g}e{exp}"


def to_float(q: Fraction) -> float:
    """Exact rational to the nearest float (magnitudes are bounded above)."""
    return float(q)
