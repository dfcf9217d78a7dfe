"""Evaluate and type-check property values, with scenario overrides applied.

`PropReader.read(kind, owner, props, name)` returns the property's value in
SI base units (exact `Fraction`), a name, a list of names, a string or a bool,
after applying every override aimed at it; wrong dimensions and out-of-range
values become diagnostics naming both the expected and the actual.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from suanli.compiler import units
from suanli.compiler.evaluate import ConstEvaluator, Q, combine, solver_range_error
from suanli.compiler.schema import SCHEMAS, PropSpec
from suanli.diagnostics import NO_SPAN, DiagnosticBag, Span, error
from suanli.grammar import ast


@dataclass(frozen=True)
class OverrideOp:
    op: str  # = *= += -=
    value: ast.Expr
    span: Span


MISSING = object()


class PropReader:
    def __init__(self, evaluator: ConstEvaluator, overrides: dict[tuple[str, str, str], list[OverrideOp]],
                 diags: DiagnosticBag):
        self.ev = evaluator
        self.overrides = overrides
        self.diags = diags

    def read(self, kind: str, owner: str, props: dict[str, ast.Prop], name: str,
             default=None, owner_span: Span | None = None):
        spec = SCHEMAS[kind][name]
        prop = props.get(name)
        ops = self.overrides.get((kind, owner, name), [])
        if prop is None and not ops:
            if spec.required:
                self._missing(kind, owner, name, spec, owner_span)
                return MISSING
            return default
        if spec.shape in ("quantity", "count"):
            return self._quantity(kind, owner, name, spec, prop, ops, default)
        value_expr = ops[-1].value if ops and ops[-1].op == "=" else prop.value if prop else None
        if value_expr is None:
            return default
        return self._symbolic(spec, name, value_expr)

    def _missing(self, kind, owner, name, spec: PropSpec, span) -> None:
        self.diags.add(error("E0505", f"{kind} `{owner}` has no `{name}`", span or NO_SPAN,
                             f"`{name}` is required", help=f"add `{name} = {spec.example}`"))

    def _quantity(self, kind, owner, name, spec, prop, ops, default):
        value: Q | None
        span = prop.value.span if prop else (ops[0].span if ops else NO_SPAN)
        if prop is not None:
            value = self.ev.eval_value(prop.value)
            if value is None:
                return MISSING
        else:
            value = None if default is None else Q(Fraction(default), spec.dims[0])
        for op in ops:
            value, span = self._apply(op, value, span)
            if value is None:
                return MISSING
        return self._checked(name, spec, value, span)

    def _apply(self, op: OverrideOp, value: Q | None, span: Span) -> tuple[Q | None, Span]:
        new = self.ev.eval_value(op.value)
        if new is None:
            return None, op.span
        if op.op == "=":
            return new, op.value.span
        if value is None:
            self.diags.add(error("E0506", f"`{op.op}` on a property that has no value", op.span,
                                 "nothing to change", help="use `=` to set it"))
            return None, op.span
        return combine(op.op[0], value, new, op.span, self.diags), op.value.span

    def _checked(self, name: str, spec: PropSpec, value: Q, span: Span):
        if value.dim not in spec.dims:
            expected = " or ".join(str(d) for d in spec.dims)
            self.diags.add(error("E0304", f"unit mismatch: {name} expects {expected}, got {value.dim}",
                                 span, f"this is {value.dim}",
                                 help=f"a {name} looks like `{spec.example}`"))
            return MISSING
        if solver_range_error(name, value, self.ev.currency.code, span, self.diags):
            return MISSING
        if spec.check is not None:
            complaint = spec.check(value.value)
            if complaint:
                return self._out_of_range(name, spec, value, span, complaint)
        if spec.shape == "count" and value.value.denominator != 1:
            self.diags.add(error("E0504", f"{name} must be a whole number, got {_show(value.value)}",
                                 span, "not a whole number", help=f"e.g. `{spec.example}`"))
            return MISSING
        return value

    def _out_of_range(self, name, spec, value: Q, span, complaint: str):
        self.diags.add(error("E0504", f"{name} {complaint}, got {_show(value.value)}", span,
                             "out of range", help=f"e.g. `{name} = {spec.example}`"))
        return MISSING

    def _symbolic(self, spec: PropSpec, name: str, expr: ast.Expr):
        if spec.shape in ("name", "currency"):
            if isinstance(expr, ast.Name) and len(expr.parts) == 1:
                if spec.shape == "currency" and expr.parts[0] not in units.CURRENCIES:
                    return self._bad(name, spec, expr, "not a known ISO 4217 currency code")
                return (expr.parts[0], expr.span)
            return self._bad(name, spec, expr, "expected a name")
        if spec.shape == "names":
            items = expr.items if isinstance(expr, ast.ListExpr) else (expr,)
            out = []
            for item in items:
                if not (isinstance(item, ast.Name) and len(item.parts) == 1):
                    return self._bad(name, spec, item, "expected a name")
                out.append((item.parts[0], item.span))
            return out
        if spec.shape == "string":
            return expr.value if isinstance(expr, ast.Str) else self._bad(name, spec, expr, "expected a string")
        if spec.shape == "bool":
            return expr.value if isinstance(expr, ast.Bool) else self._bad(name, spec, expr, "expected true or false")
        raise AssertionError(spec.shape)

    def _bad(self, name, spec: PropSpec, expr, what: str):
        self.diags.add(error("E0507", f"{name}: {what}", expr.span, what,
                             help=f"e.g. `{name} = {spec.example}`"))
        return MISSING


def _show(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6g}"
