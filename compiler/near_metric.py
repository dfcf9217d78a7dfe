"""The METRIC of `solve --near-optimal METRIC` (LANGUAGE.md §11).

It goes through the same front end as the left side of a `require`: the
expression parser (spans point into the argument, path `--near-optimal`),
the metric evaluator (names, selectors, units), and the linearity rule.
A metric that is not linear (a ratio, a product of metrics, an assert-only
metric) is E0609, at its position inside the argument.
"""

from __future__ import annotations

from suanli.compiler import ir
from suanli.compiler.expand_statements import lin_expr, to_dimension
from suanli.compiler.metrics import MetricEvaluator
from suanli.diagnostics import DiagnosticBag, error

ARG_PATH = "--near-optimal"


def near_metric(text: str, metrics: MetricEvaluator, currency: str,
                diags: DiagnosticBag) -> ir.NearMetric | None:
    from suanli.grammar.parser import parse_expression

    expr, parse_diags = parse_expression(text, ARG_PATH)
    diags.extend(parse_diags)
    if expr is None:
        return None
    val = metrics.eval(expr, {})
    if val is None:
        return None
    where = val.assert_only or expr.span
    if val.assert_only or val.ratio or not val.linear:
        diags.add(error("E0609", "the near-optimal metric is not linear", where, "not linear",
                        help="give a linear metric expression: metrics, constants times metrics, "
                             "and sums and differences of them, e.g. `compute(west)`"))
        return None
    if val.is_const:
        diags.add(error("E0609", "the near-optimal metric is a constant, not a metric", expr.span,
                        "no metric here", help="name a metric, e.g. `compute(west)` or `carbon`"))
        return None
    return ir.NearMetric(text=text, expr=lin_expr(val, metrics.spans),
                         dimension=to_dimension(val.dim, currency))
