"""Pass: `for` expansion, `require`/`assert` linearisation, the objective.

A require must be linear, except that a ratio `A / B` compared with a
constant k becomes `A - k*B` against 0 (B is non-negative for every metric),
as LANGUAGE.md §5 allows. Asserts may be any expression; both sides of every
comparison must have one dimension.
"""

from __future__ import annotations

from fractions import Fraction

from suanli.compiler import ir, units
from suanli.compiler.metrics import MetricEvaluator, Val, binop, const_val
from suanli.compiler.evaluate import Q, solver_range_error
from suanli.diagnostics import DiagnosticBag, Label, Span, error
from suanli.grammar import ast

Env = dict[str, tuple[str, str]]


class StatementExpander:
    def __init__(self, metrics: MetricEvaluator, world, diags: DiagnosticBag, currency: str):
        self.m = metrics
        self.world = world
        self.diags = diags
        self.currency = currency
        self.out: list[ir.Statement] = []
        self.names: dict[str, Span] = {}

    def expand(self, stmt, policy: str | None, env: Env | None = None, suffix: str = "") -> None:
        env = env or {}
        if isinstance(stmt, ast.For):
            for kind, value in self._domain(stmt.domain, env):
                inner = {**env, stmt.var: (kind, value)}
                tag = f"{stmt.var}={value}"
                self.expand(stmt.body, policy, inner, f"{suffix},{tag}" if suffix else tag)
            return
        self._statement(stmt, policy, env, suffix)

    def _domain(self, domain: ast.Expr, env: Env) -> list[tuple[str, str]]:
        w = self.world
        if isinstance(domain, ast.Name) and domain.dotted in ("regions", "nodes", "demands", "jobs"):
            pools = {"regions": ("region", w.regions), "nodes": ("node type", w.nodes),
                     "demands": ("demand", w.demands), "jobs": ("job", w.jobs)}
            kind, table = pools[domain.dotted]
            return [(kind, name) for name in sorted(table)]
        if isinstance(domain, ast.Call) and domain.func == "tag" and len(domain.args) == 1 \
                and isinstance(domain.args[0], ast.Name):
            tag = domain.args[0]
            if tag.dotted not in w.namespace.tags:
                w.namespace._unknown(tag.dotted, tag.span, ("tag",))
                return []
            return [("region", r) for r in sorted(w.namespace.tags[tag.dotted])]
        if isinstance(domain, ast.ListExpr):
            return [item for item in (self._list_item(i, env) for i in domain.items) if item]
        self.diags.add(error("E0606", "a `for` runs over regions, nodes, demands, jobs, tag(T) or [a, b]",
                             domain.span, "not a domain", help="e.g. `for r in tag(west): ...`"))
        return []

    def _list_item(self, item: ast.Expr, env: Env):
        if not (isinstance(item, ast.Name) and len(item.parts) == 1):
            self.diags.add(error("E0606", "a `for` list holds names", item.span, "not a name"))
            return None
        name, w = item.dotted, self.world
        found = [(k, name) for k, table in (("region", w.regions), ("node type", w.nodes),
                                             ("demand", w.demands), ("job", w.jobs)) if name in table]
        if len(found) == 1:
            return found[0]
        if found:
            kinds = " and a ".join(k for k, _ in found)
            self.diags.add(error("E0406", f"ambiguous name `{name}`: it is a {kinds}", item.span,
                                 "could mean either", help="rename one of them"))
        else:
            w.namespace._unknown(name, item.span, ("region", "node type", "demand", "job"))
        return None

    def _statement(self, stmt, policy, env: Env, suffix: str) -> None:
        kind = "require" if isinstance(stmt, ast.Require) else "assert"
        name = self._name(stmt, kind, policy, suffix)
        cmp = stmt.cmp
        if isinstance(cmp, ast.InRange):
            vals = [self.m.eval(e, env) for e in (cmp.expr, cmp.lo, cmp.hi)]
            op_span = cmp.span
        else:
            vals = [self.m.eval(e, env) for e in (cmp.left, cmp.right)]
            op_span = cmp.op_span
        if any(v is None for v in vals):
            return
        if not self._same_dims(vals, op_span):
            return
        # a bare 0, which _same_dims lets compare with anything, takes the other side's dimension
        dim = next((v.dim for v in vals if not (v.is_const and v.const == 0)), vals[0].dim)
        vals = [const_val(v.const, dim) if v.is_const and v.const == 0 else v for v in vals]
        if any(v.is_const and solver_range_error(f"this {kind}'s constant", Q(v.const, v.dim), self.currency,
                                                 cmp.span, self.diags) for v in vals):
            return
        if kind == "require":
            rows = self._rows(cmp, vals, cmp.span)
            if rows is None:
                return
        else:
            rows = ()
        self.out.append(self._ir_statement(stmt, kind, name, policy, cmp, vals, rows))

    def _name(self, stmt, kind: str, policy: str | None, suffix: str) -> str:
        base = stmt.name or f"{kind}@{stmt.span.path}:{stmt.span.line}"
        if policy:
            base = f"{policy}.{base}"
        full = f"{base}[{suffix}]" if suffix else base
        if full in self.names and stmt.name:
            self.diags.add(error("E0402", f"duplicate {kind} name `{full}`", stmt.name_span or stmt.span,
                                 "named again here", extra=[Label(self.names[full], "first named here")],
                                 help="statement names are unique"))
        self.names.setdefault(full, stmt.name_span or stmt.span)
        return full

    def _same_dims(self, vals: list[Val], span: Span) -> bool:
        """Every side has one dimension; a bare 0 compares with any (`cost >= 0`, `0 <= x`)."""
        dims = list(dict.fromkeys(v.dim for v in vals if not (v.is_const and v.const == 0)))
        if len(dims) > 1:
            self.diags.add(error("E0305", f"cannot compare {dims[0]} with {dims[1]}", span,
                                 "the two sides differ in dimension",
                                 help="both sides of a comparison must have one dimension"))
            return False
        return True

    def _rows(self, cmp, vals: list[Val], span: Span) -> tuple[ir.LinRow, ...] | None:
        if isinstance(cmp, ast.InRange):
            expr, lo, hi = vals
            return self._compare(expr, ">=", lo, span) + self._compare(expr, "<=", hi, span) \
                if self._ok(vals, span) else None
        left, right = vals
        return self._compare(left, cmp.op, right, span) if self._ok(vals, span) else None

    def _ok(self, vals: list[Val], span: Span) -> bool:
        for v in vals:
            if v.assert_only:
                self.diags.add(error("E0607", "this metric is not linear: it can be asserted, not required",
                                     v.assert_only, "assert-only metric",
                                     help="use it in an `assert`, or require a linear metric instead"))
                return False
        ratios = [v for v in vals if v.ratio]
        nonlinear = [v for v in vals if not v.linear and not v.ratio]
        if nonlinear or (ratios and any(not v.is_const for v in vals if not v.ratio)):
            self.diags.add(error("E0602", "require is not linear", span, "non-linear comparison",
                                 help="a require may compare linear metric expressions, or a ratio "
                                      "`A / B` of two with a constant (docs/reference.md#metrics)"))
            return False
        return True

    def _compare(self, left: Val, op: str, right: Val, span: Span) -> tuple[ir.LinRow, ...]:
        if right.ratio and not left.ratio:  # k <= A/B  is  A/B >= k
            left, right, op = right, left, {"<=": ">=", ">=": "<=", "==": "=="}[op]
        if left.ratio:
            num, den = left.ratio
            diff = binop("-", num, scale_const(den, right.const, right.dim), span, self.diags)
        else:
            diff = binop("-", left, right, span, self.diags)
        return (_row(diff, op, self.m.spans),)

    def _ir_statement(self, stmt, kind, name, policy, cmp, vals, rows) -> ir.Statement:
        dim_of = vals[0].dim if not vals[0].is_const or len(vals) == 1 else vals[-1].dim
        sides = (cmp.lo, cmp.hi, cmp.expr) if isinstance(cmp, ast.InRange) else (cmp.right, cmp.left)
        dim = to_dimension(dim_of, self.currency, _written_unit(sides, dim_of))
        common = dict(kind=kind, name=name, policy=policy, span=stmt.span, dimension=dim, rows=rows,
                      advisory=getattr(stmt, "advisory", False))
        to_tree = self.tree
        if isinstance(cmp, ast.InRange):
            return ir.Statement(op="in", left=to_tree(vals[0].tree), lo=to_tree(vals[1].tree),
                                hi=to_tree(vals[2].tree), **common)
        return ir.Statement(op=cmp.op, left=to_tree(vals[0].tree), right=to_tree(vals[1].tree), **common)

    def tree(self, node: tuple) -> ir.ExprNode:
        op = node[0]
        if op == "const":
            return ir.ExprNode(op="const", value=float(node[1]))
        if op == "metric":
            return ir.ExprNode(op="metric", metric=to_metric(node[1], self.m.spans[node[1]]))
        return ir.ExprNode(op=op, args=tuple(self.tree(a) for a in node[1:]))


def scale_const(val: Val, k: Fraction, k_dim) -> Val:
    from suanli.compiler.metrics import scale
    return scale(val, k, ("mul", ("const", k), val.tree), val.dim * k_dim)


def _row(diff: Val, op: str, spans: dict) -> ir.LinRow:
    expr = lin_expr(diff, spans, include_const=False)
    bound = float(-diff.const)
    lower = bound if op in (">=", "==") else None
    upper = bound if op in ("<=", "==") else None
    return ir.LinRow(expr=expr, lower=lower, upper=upper)


def lin_expr(val: Val, spans: dict, include_const: bool = True) -> ir.LinExpr:
    terms = tuple(ir.Term(coef=float(c), metric=to_metric(k, spans.get(k)))
                  for k, c in sorted(val.terms.items(), key=lambda kv: repr(kv[0])) if c != 0)
    return ir.LinExpr(terms=terms, constant=float(val.const) if include_const else 0.0)


_SPANLESS = Span("<metric>", 1, 1, 1, 1)


def to_metric(key, span: Span | None) -> ir.Metric:
    kind, regions, node_types, target = key
    return ir.Metric(kind=kind, regions=regions, node_types=node_types, target=target,
                     span=span or _SPANLESS)


def _written_unit(exprs, dim: units.Dim) -> tuple[str, Fraction] | None:
    """The unit the planner wrote on a constant side (`5 ms`, `2 GFLOPS/GB`), so reports
    speak in it; None when no side is such a plain quantity of the right dimension."""
    for expr in exprs:
        found = _unit_of(expr)
        if found and found[2] == dim:
            return found[0], found[1]
    return None


def _unit_of(expr):
    if isinstance(expr, ast.Quantity):
        hit = units.lookup_unit(expr.unit.dotted)
        return (expr.unit.dotted, hit[0], hit[1]) if hit else None
    if isinstance(expr, ast.BinOp) and expr.op in "*/" and isinstance(expr.right, ast.Name):
        left, right = _unit_of(expr.left), units.lookup_unit(expr.right.dotted)
        if left and right:
            if expr.op == "/":
                return f"{left[0]}/{expr.right.dotted}", left[1] / right[0], left[2] / right[1]
            return f"{left[0]}*{expr.right.dotted}", left[1] * right[0], left[2] * right[1]
    return None


def to_dimension(dim: units.Dim, currency: str, written=None) -> ir.Dimension:
    unit, scale = written if written else units.display_unit(dim, currency)
    return ir.Dimension(exponents=dim.exps, text=units.dim_text(dim), unit=unit, unit_scale=float(scale))


def expand_statements(state, diags: DiagnosticBag):
    """Pass: the period's requires and asserts, expanded and linearised, and its objective
    (`state.metrics` is kept for the near-optimal metric)."""
    world = state.world
    currency = world.currency.code
    metrics = state.metrics = MetricEvaluator(world.lets, world.namespace, world.evaluator, diags)
    expander = StatementExpander(metrics, world, diags, currency)
    for stmt, policy in state.decls.statements:
        expander.expand(stmt, policy)
    state.statements = expander.out
    state.objective = objective(state.decls.objective, metrics, currency, diags)
    return state


def objective(stmt: ast.Objective | None, m: MetricEvaluator, currency: str,
              diags: DiagnosticBag) -> ir.Objective:
    if stmt is None:
        return _default_objective(currency)
    val = m.eval(stmt.expr, {})
    if val is None:
        return _default_objective(currency)
    if not val.linear or val.ratio:
        diags.add(error("E0608", "the objective is not linear", stmt.expr.span, "non-linear",
                        help="minimize a sum of metrics times constants, e.g. `cost + 300 CNY/tCO2 * carbon`"))
        return _default_objective(currency)
    return ir.Objective(sense=stmt.sense, expr=lin_expr(val, m.spans), dimension=to_dimension(val.dim, currency),
                        span=stmt.span, is_default=False)


def _default_objective(currency: str) -> ir.Objective:
    cost = const_val(Fraction(0), units.MONEY)
    cost.terms = {("cost", None, None, None): Fraction(1)}
    return ir.Objective(sense="minimize", expr=lin_expr(cost, {}), dimension=to_dimension(units.MONEY, currency))
