"""Compile a multi-year spec (LANGUAGE.md §8): one single-period program per year.

`YEAR_PASSES`, in order, over one `YearsRun`: the overrides and the year axis of
each entity are read once; each year's declarations (schedules resolved, see
years.py) go through the same PERIOD_PASSES as a single-period spec, so every
check of §4-§6 applies per year; growth scales that year's demands and the
statements are expanded in the year they are about (year_statements.py); then
the statements about totals and the objective, and the programs are joined
under one top-level Program whose `years` holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from suanli.compiler import ir, units
from suanli.compiler.apply_scenario import apply_scenario
from suanli.compiler.collect_names import Decls, prop_map
from suanli.compiler.expand_statements import StatementExpander, objective
from suanli.compiler.metrics import MetricEvaluator
from suanli.compiler.near_metric import near_metric, parse_near
from suanli.compiler.state import CompileState, run_passes
from suanli.compiler.year_statements import metric_kinds, names_in, plan_statements, with_year_tag
from suanli.compiler.years import (YearAxis, active, read_entity_axis, resolve_overrides,
                                   resolve_value, resolve_year, year_of)
from suanli.diagnostics import DiagnosticBag, error
from suanli.tolerances import SAME_REL

YEAR_S = float(units.YEAR)


@dataclass
class YearsRun:
    """What the multi-year passes share: the spec's state and what each pass adds."""

    spec: CompileState
    period: Callable[[CompileState], CompileState]  # PERIOD_PASSES on one year's state
    overrides: dict = field(default_factory=dict)  # year_overrides: scenario and --set, all years
    planned: list = field(default_factory=list)  # plan_year_statements: each statement's year
    near_expr: Any = None  # near_metric_year: the METRIC's expression ...
    near_year: int | None = None  # ... and its `at` year (None: on totals)
    programs: list[ir.Program] = field(default_factory=list)  # each_year: one program a year
    statements: list[ir.Statement] = field(default_factory=list)  # each_year, total_statements
    first_world: Any = None  # each_year: the first year's world (totals are expanded in it)
    near_metric: ir.NearMetric | None = None  # each_year or total_statements
    objective: ir.Objective | None = None  # total_statements
    program: ir.Program | None = None  # join_years
    stop: bool = False


def compile_years(state: CompileState, diags: DiagnosticBag,
                  period: Callable[[CompileState], CompileState]) -> ir.Program | None:
    """YEAR_PASSES over the spec; `period` runs pipeline.PERIOD_PASSES on one year's
    state; `state.near` is the METRIC of `solve --near-optimal` (compiled in its
    year, or on totals)."""
    return run_passes(YEAR_PASSES, YearsRun(state, period), diags).program


def year_overrides(run: YearsRun, diags: DiagnosticBag) -> YearsRun:
    spec = run.spec
    run.overrides = apply_scenario(spec.decls, spec.scenario, list(spec.sets), diags)
    return run


def entity_axis(run: YearsRun, diags: DiagnosticBag) -> YearsRun:
    """`available`, demand `years`, job `year` and `growth`; every schedule checked once."""
    read_entity_axis(run.spec.decls, run.spec.axis, diags, run.overrides)
    return run


def plan_year_statements(run: YearsRun, diags: DiagnosticBag) -> YearsRun:
    run.planned = plan_statements(run.spec.decls.statements, run.spec.axis, diags)
    return run


def near_metric_year(run: YearsRun, diags: DiagnosticBag) -> YearsRun:
    if run.spec.near is not None:
        run.near_expr, run.near_year = near_year_of(run.spec.near, run.spec.axis, diags)
    return run


def each_year(run: YearsRun, diags: DiagnosticBag) -> YearsRun:
    """Each year through PERIOD_PASSES, its demands grown, its statements expanded in it."""
    spec, axis, decls = run.spec, run.spec.axis, run.spec.decls
    for year in axis.years:
        year_state = run.period(spec.period(resolve_year(decls, axis, year), resolve_overrides(run.overrides, year)))
        world, program = year_state.world, year_state.program
        if program is None or diags.has_errors:
            run.stop = True
            return run
        run.first_world = run.first_world or world
        inactive = {n for n, d in decls.workloads.items() if not active(axis, n, d.kind, year)}
        run.statements += _year_statements(run.planned, world, year, diags, inactive)
        if run.near_expr is not None and run.near_year == year:
            run.near_metric = _near(spec.near, run.near_expr, year, world, diags)
        run.programs.append(_grow(program, world, axis, year, diags))
    return run


def check_lifetimes(run: YearsRun, diags: DiagnosticBag) -> YearsRun:
    _check_lifetimes(run.spec.decls, run.programs, diags)
    return run


def total_statements(run: YearsRun, diags: DiagnosticBag) -> YearsRun:
    """Statements about totals, the objective and a near-optimal METRIC on totals,
    in the first year's terms."""
    world, currency = run.first_world, run.first_world.currency.code
    metrics = MetricEvaluator(world.lets, world.namespace, world.evaluator, diags)
    expander = StatementExpander(metrics, world, diags, currency)
    for item in run.planned:
        if item.year is None and not item.every_year:
            expander.expand(item.stmt, item.policy)
    run.statements += expander.out
    run.objective = _objective(run.spec.decls, metrics, currency, diags)
    if run.near_expr is not None and run.near_year is None:
        run.near_metric = near_metric(run.spec.near, metrics, currency, diags, run.near_expr)
    return run


def join_years(run: YearsRun, diags: DiagnosticBag) -> YearsRun:
    if not diags.has_errors:
        joined = _join(run.programs, run.statements, run.objective, run.spec.axis, run.spec.decls,
                       run.first_world, run.overrides)
        run.program = joined.model_copy(update={"near_metric": run.near_metric})
    return run


YEAR_PASSES = (year_overrides, entity_axis, plan_year_statements, near_metric_year, each_year,
               check_lifetimes, total_statements, join_years)


def near_year_of(text: str, axis: YearAxis, diags: DiagnosticBag):
    """(metric expression, year of `at Y:` or None for totals) of the near-optimal
    METRIC, classified like a `require` (year_statements.py); None on errors."""
    expr, at = parse_near(text, diags)
    if expr is None:
        return None, None
    if at is not None:
        year = year_of(at, diags)
        if year is not None and not axis.first <= year <= axis.last:
            diags.add(error("E0805", f"`at {year}` is outside years {axis.first} .. {axis.last}",
                            at.span, "outside the planning years",
                            help=f"use a year in {axis.first} .. {axis.last}"))
            year = None
        return (expr, year) if year is not None else (None, None)
    per_year, totals = metric_kinds(expr)
    if per_year:
        diags.add(error("E0806", "with `years`, a per-year near-optimal metric needs `at YEAR:`",
                        expr.span, f"per-year metrics ({', '.join(sorted(per_year))})",
                        help=f"write e.g. `at {axis.last}: {text.strip()}`; totals such as `cost` need none"))
        return None, None
    return expr, None


def _near(text: str, expr, year: int, world, diags: DiagnosticBag):
    metrics = MetricEvaluator(world.lets, world.namespace, world.evaluator, diags)
    return near_metric(text, metrics, world.currency.code, diags, expr, year)


def _year_statements(planned, world, year: int, diags: DiagnosticBag,
                     inactive: set[str]) -> list[ir.Statement]:
    """The statements about `year`. A per-year statement without `at` that names a
    demand or job not active this year is vacuous in it and left out."""
    metrics = MetricEvaluator(world.lets, world.namespace, world.evaluator, diags)
    expander = StatementExpander(metrics, world, diags, world.currency.code)
    out: list[ir.Statement] = []
    for item in planned:
        if item.year != year and not item.every_year:
            continue
        if item.every_year and inactive and names_in(item.stmt) & inactive:
            continue
        before = len(expander.out)
        expander.expand(item.stmt, item.policy)
        tag = f"y={year}" if item.every_year else item.tag
        for st in expander.out[before:]:
            name = with_year_tag(st.name, tag) if tag else st.name
            out.append(st.model_copy(update={"name": name, "year": year}))
    return out


def _objective(decls: Decls, metrics, currency: str, diags: DiagnosticBag) -> ir.Objective:
    stmt = decls.objective
    if stmt is not None:
        per_year, _ = metric_kinds(stmt.expr)
        if per_year:
            diags.add(error("E0808", "with `years`, the objective may use only totals", stmt.expr.span,
                            f"per-year metrics: {', '.join(sorted(per_year))}",
                            help="minimise `cost`, its parts, `energy`, `renewable_energy` or `carbon`"))
    return objective(stmt, metrics, currency, diags)


def _grow(program: ir.Program, world, axis: YearAxis, year: int, diags) -> ir.Program:
    """Demands' compute, storage and traffic times the compounded growth:
    (1+g)^(y - first) for one rate; with a growth schedule, the product of
    (1 + g of year k) over k = first+1 .. y."""
    if not axis.growth:
        return program
    services = []
    for svc in program.services:
        factor = _factor(axis, svc.name, year, world, diags)
        services.append(svc if factor == 1 else svc.model_copy(update={
            "compute": svc.compute * factor, "storage": svc.storage * factor,
            "traffic": svc.traffic * factor}))
    return program.model_copy(update={"services": tuple(services)})


def _factor(axis: YearAxis, name: str, year: int, world, diags) -> float:
    by_year = axis.growth.get(name)
    if not by_year:
        return 1.0
    factor = Fraction(1)
    for k in range(axis.first + 1, year + 1):
        value = world.evaluator.eval_value(by_year[k])
        if value is None:
            return 1.0
        if value.dim != units.RATIO or value.value <= -1:
            diags.add(error("E0304", f"growth expects a ratio above -100%, got {value.dim}",
                            by_year[k].span, "not a growth rate", help="e.g. `growth = 35%`"))
            return 1.0
        factor *= 1 + value.value
    return float(factor)


def _check_lifetimes(decls: Decls, programs, diags: DiagnosticBag) -> None:
    for program in programs:
        for nt in program.node_types:
            years = nt.lifetime / YEAR_S
            if abs(years - round(years)) > SAME_REL * max(1.0, years) or round(years) < 1:
                prop = _node_prop(decls, nt.name, "lifetime")
                span = prop.value.span if prop else nt.span
                diags.add(error("E0804", f"lifetime of `{nt.name}` must be a whole number of years "
                                         f"in a multi-year spec, got {years:.6g} years", span,
                                "not whole years", help="e.g. `lifetime = 5 years`"))
                return


def _node_prop(decls: Decls, name: str, prop: str):
    decl = decls.nodes.get(name)
    while decl is not None:
        found = prop_map(decl).get(prop)
        if found is not None:
            return found
        decl = decls.nodes.get(decl.base) if decl.base else None
    return None


def _join(programs, statements, goal, axis: YearAxis, decls: Decls, world, overrides) -> ir.Program:
    first = programs[0]
    available = tuple(axis.available.get(nt.name, axis.first) for nt in first.node_types)
    once = tuple(_site_once(decls, r.name, axis, world, overrides) for r in first.regions)
    years = ir.YearsIR(first=axis.first, last=axis.last, discount_rate=float(axis.rate),
                       programs=tuple(programs), available=available, site_once=once)
    warnings = tuple(dict.fromkeys(w for p in programs for w in p.warnings))
    return first.model_copy(update={"statements": tuple(statements), "objective": goal,
                                    "years": years, "warnings": warnings})


def _site_once(decls: Decls, region: str, axis: YearAxis, world, overrides) -> bool:
    ops = [op for op in overrides.get(("region", region, "site_cost"), []) if op.op == "="]
    prop = prop_map(decls.regions[region]).get("site_cost")
    expr = ops[-1].value if ops else (prop.value if prop else None)
    if expr is None:
        return False
    value = world.evaluator.eval_value(resolve_value(expr, axis.first))
    return value is not None and value.dim == units.MONEY
