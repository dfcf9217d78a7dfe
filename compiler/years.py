"""The year axis of a multi-year spec (LANGUAGE.md §8), read from the syntax.

`read_years` finds `settings.years` and `discount_rate` (or reports every
multi-year feature used without them). `resolve_year` rewrites the
declarations for one year: each schedule `V1 from Y1, V2 from Y2` becomes
the value of its last entry with Yk <= y (overrides with schedules likewise),
and the year-axis properties (`years`, `discount_rate`, `available`,
`growth`, demand `years`, job `year`) are taken out, so the single-period
passes compile each year unchanged. Demands outside their active years and
jobs of other years are left out of that year.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction

from suanli.compiler.collect_names import Decls
from suanli.compiler.schema import SCHEMAS, year_axis_props
from suanli.compiler.typed_props import OverrideOp
from suanli.diagnostics import DiagnosticBag, Span, error
from suanli.grammar import ast

YEAR_PROPS = {kind: year_axis_props(kind) for kind in SCHEMAS if year_axis_props(kind)}
ALL_YEAR_PROPS = frozenset(p for props in YEAR_PROPS.values() for p in props)


@dataclass
class YearAxis:
    first: int
    last: int
    rate: Fraction = Fraction(0)
    span: Span | None = None
    available: dict[str, int] = field(default_factory=dict)  # node type -> first build year
    active: dict[str, tuple[int, int]] = field(default_factory=dict)  # demand -> (from, to)
    job_year: dict[str, int] = field(default_factory=dict)
    growth: dict[str, dict[int, ast.Expr]] = field(default_factory=dict)  # demand -> year -> g expr

    @property
    def years(self) -> range:
        return range(self.first, self.last + 1)


def year_of(expr, diags: DiagnosticBag, what: str = "a year") -> int | None:
    """A whole-number year written as a literal (or + - of literals)."""
    value = _int_value(expr)
    if value is None:
        diags.add(error("E0801", f"{what} must be a whole number such as 2026", expr.span,
                        "not a year", help="write the year as a plain number, e.g. `2027`"))
    return value


def _int_value(expr) -> int | None:
    if isinstance(expr, ast.Num) and not expr.percent and expr.value.denominator == 1:
        return int(expr.value)
    if isinstance(expr, ast.Neg):
        inner = _int_value(expr.operand)
        return None if inner is None else -inner
    if isinstance(expr, ast.BinOp) and expr.op in "+-":
        a, b = _int_value(expr.left), _int_value(expr.right)
        if a is None or b is None:
            return None
        return a + b if expr.op == "+" else a - b
    return None


# ------------------------------------------------------------- settings


def read_years(decls: Decls, diags: DiagnosticBag) -> YearAxis | None:
    """The year axis, or None for a single-period spec (whose multi-year
    syntax is then reported by `forbid_year_features`)."""
    prop = decls.settings.get("years")
    if prop is None:
        forbid_year_features(decls, diags)
        return None
    value = prop.value
    if not isinstance(value, ast.YearRange):
        diags.add(error("E0801", "years must be a range of years like `2026 .. 2030`", value.span,
                        "not a range", help="write `years = 2026 .. 2030`"))
        return None
    first, last = year_of(value.lo, diags), year_of(value.hi, diags)
    if first is None or last is None:
        return None
    if first > last:
        diags.add(error("E0801", f"years run backwards: {first} .. {last}", value.span,
                        "the first year is after the last", help=f"write `years = {last} .. {first}`"))
        return None
    if "horizon" in decls.settings:
        diags.add(error("E0802", "`horizon` cannot be set beside `years`",
                        decls.settings["horizon"].name_span, "each year is a period of 1 year",
                        help="remove `horizon`: with `years`, every period is one year"))
    axis = YearAxis(first, last, span=value.span)
    _read_rate(decls, axis, diags)
    return axis


def _read_rate(decls: Decls, axis: YearAxis, diags: DiagnosticBag) -> None:
    prop = decls.settings.get("discount_rate")
    if prop is None:
        return
    value = prop.value
    if isinstance(value, ast.Num) and value.value >= 0:
        axis.rate = value.value
        return
    diags.add(error("E0504", "discount_rate must be a ratio >= 0 such as `8%`", value.span,
                    "not a rate", help="e.g. `discount_rate = 8%`"))


def forbid_year_features(decls: Decls, diags: DiagnosticBag) -> None:
    """Schedules, year ranges, year-axis properties and `at` need `years`."""
    def bad(span: Span, what: str) -> None:
        diags.add(error("E0807", f"{what} needs `years` in settings", span, "multi-year only",
                        help="add `settings { years = 2026 .. 2030 }`"))

    for kind, decl in _all_decls(decls):
        for prop in decl.props:
            if prop.name in YEAR_PROPS.get(kind, ()):
                bad(prop.name_span, f"`{prop.name}`")
            elif isinstance(prop.value, (ast.Schedule, ast.YearRange)):
                bad(prop.value.span, "a schedule" if isinstance(prop.value, ast.Schedule)
                    else "a year range")
    for name, prop in decls.settings.items():
        if name == "discount_rate":
            bad(prop.name_span, "`discount_rate`")
    for scenario in decls.scenarios.values():
        for ov in scenario.overrides:
            if isinstance(ov.value, (ast.Schedule, ast.YearRange)):
                bad(ov.value.span, "a schedule")
    for stmt, _ in decls.statements:
        for inner in _leaves(stmt):
            if inner.at is not None:
                bad(inner.at.span, "`at`")
        if _years_domain(stmt):
            bad(stmt.domain.span, "`for ... in years`")


def _all_decls(decls: Decls):
    for table, kind in ((decls.regions, "region"), (decls.nodes, "node")):
        for decl in table.values():
            yield kind, decl
    for decl in decls.workloads.values():
        yield decl.kind, decl
    for link in decls.links:
        yield "link", link


def _leaves(stmt):
    while isinstance(stmt, ast.For):
        stmt = stmt.body
    yield stmt


def _years_domain(stmt) -> bool:
    while isinstance(stmt, ast.For):
        if isinstance(stmt.domain, ast.Name) and stmt.domain.dotted == "years":
            return True
        stmt = stmt.body
    return False


# -------------------------------------------------------- per-entity axis


def read_entity_axis(decls: Decls, axis: YearAxis, diags: DiagnosticBag,
                     overrides: dict | None = None) -> None:
    """`available` of node types, active `years` of demands, `year` of jobs,
    `growth` of demands (after scenario/--set overrides with `=`); every
    schedule checked once."""
    if overrides:
        decls = _with_axis_overrides(decls, overrides)
    for kind, decl in _all_decls(decls):
        for prop in decl.props:
            if isinstance(prop.value, ast.Schedule):
                check_schedule(prop.value, axis, diags)
            elif isinstance(prop.value, ast.YearRange) and not (kind == "demand" and prop.name == "years"):
                diags.add(error("E0801", f"`{prop.name}` cannot be a year range", prop.value.span,
                                "a range", help="only `years` takes `A .. B`"))
    for scenario in decls.scenarios.values():
        for ov in scenario.overrides:
            if isinstance(ov.value, ast.Schedule):
                check_schedule(ov.value, axis, diags)
    for prop in decls.settings.values():
        if isinstance(prop.value, ast.Schedule):
            check_schedule(prop.value, axis, diags)
    for name, decl in decls.nodes.items():
        prop = _prop(decl, "available")
        if prop is not None:
            year = year_of(prop.value, diags, "available")
            axis.available[name] = axis.first if year is None else year
    for name, decl in decls.workloads.items():
        _workload_axis(name, decl, axis, diags)


def _workload_axis(name: str, decl: ast.Decl, axis: YearAxis, diags: DiagnosticBag) -> None:
    if decl.kind == "job":
        prop = _prop(decl, "year")
        if prop is not None:
            year = year_of(prop.value, diags, "a job's year")
            if year is not None and _in_range(year, axis, prop.value.span, diags):
                axis.job_year[name] = year
        return
    prop = _prop(decl, "years")
    if prop is not None:
        _active_years(name, prop, axis, diags)
    growth = _prop(decl, "growth")
    if growth is not None:
        axis.growth[name] = {y: resolve_value(growth.value, y) for y in axis.years}


def _active_years(name: str, prop: ast.Prop, axis: YearAxis, diags: DiagnosticBag) -> None:
    value = prop.value
    if not isinstance(value, ast.YearRange):
        diags.add(error("E0801", "a demand's years must be a range like `2026 .. 2027`", value.span,
                        "not a range", help="e.g. `years = 2026 .. 2027`"))
        return
    lo, hi = year_of(value.lo, diags), year_of(value.hi, diags)
    if lo is None or hi is None:
        return
    if lo > hi:
        diags.add(error("E0801", f"years run backwards: {lo} .. {hi}", value.span,
                        "the first year is after the last", help=f"write `years = {hi} .. {lo}`"))
        return
    if _in_range(lo, axis, value.lo.span, diags) and _in_range(hi, axis, value.hi.span, diags):
        axis.active[name] = (lo, hi)


def _in_range(year: int, axis: YearAxis, span: Span, diags: DiagnosticBag) -> bool:
    if axis.first <= year <= axis.last:
        return True
    diags.add(error("E0805", f"year {year} is outside years {axis.first} .. {axis.last}", span,
                    "outside the planning years", help=f"use a year in {axis.first} .. {axis.last}"))
    return False


def _with_axis_overrides(decls: Decls, overrides: dict) -> Decls:
    """Year-axis properties replaced by the last `=` override aimed at them."""
    def one(decl, kind):
        props = list(decl.props)
        for name in YEAR_PROPS.get(kind, ()):
            ops = [op for op in overrides.get((kind, decl.name, name), []) if op.op == "="]
            if ops:
                props = [p for p in props if p.name != name]
                props.append(ast.Prop(name, ops[-1].span, ops[-1].value, ops[-1].span))
        return dataclasses.replace(decl, props=tuple(props))

    return dataclasses.replace(
        decls, nodes={n: one(d, "node") for n, d in decls.nodes.items()},
        workloads={n: one(d, d.kind) for n, d in decls.workloads.items()})


def forbid_year_overrides(overrides: dict, diags: DiagnosticBag) -> None:
    """Single-period specs: a schedule or year range given by a scenario or `--set`."""
    for (kind, _, name), ops in overrides.items():
        for op in ops:
            if isinstance(op.value, (ast.Schedule, ast.YearRange)) or name in YEAR_PROPS.get(kind, ()):
                diags.add(error("E0807", f"a multi-year override of `{name}` needs `years` in settings",
                                op.span, "multi-year only",
                                help="add `settings { years = 2026 .. 2030 }`"))


def _prop(decl, name: str) -> ast.Prop | None:
    return next((p for p in decl.props if p.name == name), None)


def check_schedule(schedule: ast.Schedule, axis: YearAxis, diags: DiagnosticBag) -> None:
    previous = None
    for k, entry in enumerate(schedule.entries):
        year = year_of(entry.year, diags)
        if year is None:
            return
        if k == 0 and year > axis.first:
            diags.add(error("E0803", f"the schedule starts in {year}, after the first year {axis.first}",
                            entry.year.span, "starts too late",
                            help=f"give a value `from {axis.first}` first"))
        if previous is not None and year <= previous:
            diags.add(error("E0803", f"schedule years must increase: {year} after {previous}",
                            entry.year.span, "not after the previous entry",
                            help="list the entries in increasing years"))
        previous = year


# ------------------------------------------------------------ one year


def resolve_value(value, year: int):
    """The expression a property has in `year`: the last schedule entry with Yk <= year."""
    if not isinstance(value, ast.Schedule):
        return value
    chosen = value.entries[0].value
    for entry in value.entries:
        entry_year = _int_value(entry.year)
        if entry_year is not None and entry_year <= year:
            chosen = entry.value
    return chosen


def resolve_year(decls: Decls, axis: YearAxis, year: int) -> Decls:
    """The declarations as a single-period spec of `year` (statements and
    objective are compiled separately, see year_statements)."""
    def props(decl, kind):
        drop = YEAR_PROPS.get(kind, ())
        return tuple(dataclasses.replace(p, value=resolve_value(p.value, year))
                     for p in decl.props if p.name not in drop)

    def one(decl, kind):
        return dataclasses.replace(decl, props=props(decl, kind))

    settings = {n: dataclasses.replace(p, value=resolve_value(p.value, year))
                for n, p in decls.settings.items() if n not in YEAR_PROPS["settings"]}
    workloads = {n: one(d, d.kind) for n, d in decls.workloads.items() if active(axis, n, d.kind, year)}
    return dataclasses.replace(
        decls, settings=settings,
        regions={n: one(d, "region") for n, d in decls.regions.items()},
        nodes={n: one(d, "node") for n, d in decls.nodes.items()},
        workloads=workloads, links=[one(d, "link") for d in decls.links],
        statements=[], objective=None)


def active(axis: YearAxis, name: str, kind: str, year: int) -> bool:
    if kind == "job":
        return axis.job_year.get(name, axis.first) == year
    lo, hi = axis.active.get(name, (axis.first, axis.last))
    return lo <= year <= hi


def resolve_overrides(overrides: dict, year: int) -> dict:
    """Scenario and --set overrides for one year: a schedule replaces the
    whole schedule (so its entry for `year` is the value); `*=` scales
    whatever entry the year has."""
    return {key: [OverrideOp(op.op, resolve_value(op.value, year), op.span) for op in ops]
            for key, ops in overrides.items()}
