"""The METRIC of `solve --near-optimal METRIC` (LANGUAGE.md §11).

It goes through the same front end as the left side of a `require`: the
expression parser (spans point into the argument, path `--near-optimal`),
the metric evaluator (names, selectors, units), and the linearity rule.
A metric that is not linear (a ratio, a product of metrics, an assert-only
metric) is E0609, at its position inside the argument.
"""

from __future__ import annotations

import re

from suanli.compiler import ir
from suanli.compiler.expand_statements import lin_expr, to_dimension
from suanli.compiler.metrics import MetricEvaluator
from suanli.diagnostics import DiagnosticBag, error

ARG_PATH = "--near-optimal"


_AT = re.compile(r"(\s*at\s+)([^:]*?)\s*:")


def parse_near(text: str, diags: DiagnosticBag):
    """(metric expression, the year expression of `at Y:` or None). Both are parsed
    from the argument with the text before them blanked, so positions stay right."""
    from suanli.grammar.parser import parse_expression

    at = _AT.match(text)
    year = None
    if at is not None:
        year, year_diags = parse_expression(" " * at.end(1) + at.group(2), ARG_PATH)
        diags.extend(year_diags)
        text = " " * at.end() + text[at.end():]
    expr, parse_diags = parse_expression(text, ARG_PATH)
    diags.extend(parse_diags)
    return expr, year


def attach_near_metric(state, diags: DiagnosticBag):
    """Pass: `solve --near-optimal METRIC` of a single-period spec, in the statements' terms."""
    if state.near is not None:
        state.near_metric = near_metric(state.near, state.metrics, state.world.currency.code, diags)
    return state


def near_metric(text: str, metrics: MetricEvaluator, currency: str,
                diags: DiagnosticBag, expr=None, year: int | None = None) -> ir.NearMetric | None:
    """`expr`: the parsed metric (parse_near) when the caller already has it."""
    if expr is None:
        expr, at = parse_near(text, diags)
        if at is not None:
            diags.add(error("E0807", "`at YEAR:` in the near-optimal metric needs `years` in settings",
                            at.span, "multi-year only", help="drop `at YEAR:`"))
            return None
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
                         dimension=to_dimension(val.dim, currency), year=year)
