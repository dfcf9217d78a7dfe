"""Symbolic evaluation of metric expressions (LANGUAGE.md §5).

A `Val` is a dimensioned value that is either linear in the metrics
(`terms` + `const`), a ratio of two linear values (`ratio`), or non-linear
(assert only). Every Val also keeps its expression tree for reporting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from suanli.compiler import units
from suanli.compiler.evaluate import Q, suggest, sum_dims_differ
from suanli.compiler.namespace import Namespace
from suanli.diagnostics import DiagnosticBag, Span, error
from suanli.grammar import ast

MONEY, ENERGY, CARBON = units.MONEY, units.ENERGY, units.CARBON
NAMED_METRICS = {
    "cost": MONEY, "cost.site": MONEY, "cost.capex": MONEY, "cost.opex": MONEY,
    "cost.energy": MONEY, "cost.network": MONEY, "cost.carbon": MONEY,
    "energy": ENERGY, "renewable_energy": ENERGY, "carbon": CARBON,
}
CALL_METRICS = {
    "nodes": units.RATIO, "compute": units.RATE, "storage": units.DATA, "memory": units.DATA,
    "power": units.POWER,
    "served": units.RATIO, "utilization": units.RATIO, "latency": units.TIME,
    "energy": ENERGY, "renewable_energy": ENERGY, "carbon": CARBON,
}
REGION_ONLY = {"energy", "renewable_energy", "carbon", "served"}
ASSERT_ONLY = {"utilization", "latency"}

MetricKey = tuple  # (kind, regions|None, node_types|None, target|None)


@dataclass
class Val:
    dim: units.Dim
    const: Fraction = Fraction(0)
    terms: dict = field(default_factory=dict)  # MetricKey -> coefficient
    ratio: tuple["Val", "Val"] | None = None
    linear: bool = True
    tree: tuple = ()  # ("const", v) | ("metric", key) | (op, a, b) | ("neg", a)
    assert_only: Span | None = None  # where an assert-only metric is used

    @property
    def is_const(self) -> bool:
        return self.linear and not self.terms


def const_val(value: Fraction, dim: units.Dim) -> Val:
    return Val(dim, const=value, tree=("const", value))


class MetricEvaluator:
    def __init__(self, lets: dict[str, Q], ns: Namespace, unit_eval, diags: DiagnosticBag):
        self.lets = lets
        self.ns = ns
        self.unit_eval = unit_eval  # ConstEvaluator, for units and currencies
        self.diags = diags
        self.spans: dict[MetricKey, Span] = {}

    def eval(self, expr: ast.Expr, env: dict[str, tuple[str, str]]) -> Val | None:
        if isinstance(expr, (ast.Num, ast.Quantity)):
            q = self.unit_eval.eval(expr)
            return None if q is None else const_val(q.value, q.dim)
        if isinstance(expr, ast.Name):
            return self._name(expr, env)
        if isinstance(expr, ast.Call):
            return self._call(expr, env)
        if isinstance(expr, ast.Neg):
            inner = self.eval(expr.operand, env)
            return None if inner is None else scale(inner, Fraction(-1), ("neg", inner.tree))
        if isinstance(expr, ast.BinOp):
            left, right = self.eval(expr.left, env), self.eval(expr.right, env)
            if left is None or right is None:
                return None
            return binop(expr.op, left, right, expr.op_span, self.diags)
        self.diags.add(error("E0603", "not a metric expression", expr.span, "unexpected here",
                             help="compare metrics such as `cost`, `compute(west)` with quantities"))
        return None

    def _name(self, expr: ast.Name, env) -> Val | None:
        dotted = expr.dotted
        if dotted in env:
            self.diags.add(error("E0604", f"`{dotted}` is a loop variable, not a quantity", expr.span,
                                 "a loop variable is a selector", help=f"use it inside a metric, e.g. `compute({dotted})`"))
            return None
        if len(expr.parts) == 1 and dotted in self.lets:
            q = self.lets[dotted]
            return const_val(q.value, q.dim)
        if dotted in NAMED_METRICS:
            return self._metric((dotted, None, None, None), NAMED_METRICS[dotted], expr.span)
        if units.lookup_unit(dotted) is not None:
            q = self.unit_eval.eval(expr)
            return None if q is None else const_val(q.value, q.dim)
        self.diags.add(error("E0401", f"unknown name `{dotted}`", expr.span, "not a metric, constant or unit",
                             help=suggest(dotted, list(NAMED_METRICS) + list(self.lets))
                             or "metrics are listed in docs/reference.md#metrics"))
        return None

    def _metric(self, key: MetricKey, dim, span: Span) -> Val:
        self.spans.setdefault(key, span)
        val = Val(dim, terms={key: Fraction(1)}, tree=("metric", key))
        if key[0] in ASSERT_ONLY:
            val.linear, val.terms, val.assert_only = False, {}, span
        return val

    def _call(self, call: ast.Call, env) -> Val | None:
        if call.func not in CALL_METRICS:
            self.diags.add(error("E0401", f"unknown metric `{call.func}(...)`", call.func_span,
                                 "not a metric", help=suggest(call.func, CALL_METRICS)
                                 or "metrics are listed in docs/reference.md#metrics"))
            return None
        args = list(call.args)
        target = None
        if call.func in ("served", "latency"):
            target = self._target(call, args, env)
            if target is None:
                return None
            args = args[1:]
            if call.func == "latency" and args:
                self.diags.add(error("E0605", "latency(...) takes one demand or job", args[0].span,
                                     "unexpected selector"))
                return None
        sel = self._selectors(call, args, env)
        if sel is None:
            return None
        regions, node_types = sel
        return self._metric((call.func, regions, node_types, target), CALL_METRICS[call.func], call.span)

    def _target(self, call: ast.Call, args, env) -> str | None:
        if not args or not isinstance(args[0], ast.Name):
            self.diags.add(error("E0605", f"{call.func}(...) needs a demand or job first", call.span,
                                 "missing demand or job", help=f"e.g. `{call.func}(gov_portal)`"))
            return None
        name = args[0].dotted
        if name in env:
            kind, value = env[name]
            if kind in ("demand", "job"):
                return value
        return self.ns.workload(name, args[0].span)

    def _selectors(self, call: ast.Call, args, env):
        regions: frozenset[str] | None = None
        node_types: frozenset[str] | None = None
        allowed = ("region", "tag") if call.func in REGION_ONLY else ("region", "tag", "node type", "class")
        for arg in args:
            if not (isinstance(arg, ast.Name) and len(arg.parts) == 1):
                self.diags.add(error("E0605", "a selector is a region, tag, node type or class name",
                                     arg.span, "not a selector"))
                return None
            sel = self._selector(arg, env, allowed)
            if sel is None:
                return None
            if sel.regions is not None:
                regions = sel.regions if regions is None else regions & sel.regions
            if sel.node_types is not None:
                node_types = sel.node_types if node_types is None else node_types & sel.node_types
        return (None if regions is None else tuple(sorted(regions)),
                None if node_types is None else tuple(sorted(node_types)))

    def _selector(self, arg: ast.Name, env, allowed):
        from suanli.compiler.namespace import Selection
        if arg.dotted in env:
            kind, value = env[arg.dotted]
            if kind == "region" and "region" in allowed:
                return Selection(regions=frozenset({value}))
            if kind == "node type" and "node type" in allowed:
                return Selection(node_types=frozenset({value}))
            self.diags.add(error("E0605", f"loop variable `{arg.dotted}` is a {kind}, not a selector here",
                                 arg.span, "wrong kind of selector"))
            return None
        return self.ns.selector(arg.dotted, arg.span, allowed)


def scale(val: Val, k: Fraction, tree: tuple, dim: units.Dim | None = None) -> Val:
    """val * k, with the result's dimension `dim` (val's own when k is a plain number)."""
    dim = val.dim if dim is None else dim
    ratio = None
    if val.ratio:
        num = val.ratio[0]
        ratio = (scale(num, k, num.tree, dim * val.ratio[1].dim), val.ratio[1])
    return Val(dim, val.const * k, {m: c * k for m, c in val.terms.items()}, ratio,
               val.linear, tree, val.assert_only)


def binop(op: str, left: Val, right: Val, span: Span, diags: DiagnosticBag) -> Val | None:
    tree = ({"+": "add", "-": "sub", "*": "mul", "/": "div"}[op], left.tree, right.tree)
    only = left.assert_only or right.assert_only
    if op in "+-":
        if sum_dims_differ(op, left.dim, right.dim, span, diags):
            return None
        sign = 1 if op == "+" else -1
        terms = dict(left.terms)
        for m, c in right.terms.items():
            terms[m] = terms.get(m, 0) + sign * c
        linear = left.linear and right.linear and not left.ratio and not right.ratio
        return Val(left.dim, left.const + sign * right.const, terms, None, linear, tree, only)
    if op == "*":
        if left.is_const and not left.ratio:
            return scale(right, left.const, tree, left.dim * right.dim)
        if right.is_const and not right.ratio:
            return scale(left, right.const, tree, left.dim * right.dim)
        return Val(left.dim * right.dim, linear=False, tree=tree, assert_only=only)
    if right.is_const and not right.ratio:
        if right.const == 0:
            diags.add(error("E0502", "division by zero", span, "the divisor is 0"))
            return None
        return scale(left, 1 / right.const, tree, left.dim / right.dim)
    ratio = (left, right) if left.linear and right.linear and not left.ratio and not right.ratio else None
    return Val(left.dim / right.dim, ratio=ratio, linear=False, tree=tree, assert_only=only)
