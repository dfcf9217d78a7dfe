"""Statements of a multi-year spec (LANGUAGE.md §8): which year each is about.

`for y in years:` is unrolled here (each copy gets `y` replaced by the year
and `[y=Y]` in its name). Then a statement with `at Y` is about year Y; one
without `at` whose metrics are all totals (`cost` and its parts, `energy`,
`renewable_energy`, `carbon`) is checked once on totals; one with a
per-year metric (`nodes compute storage power memory served utilization
latency`) holds in every year; mixing the two without `at` is an error.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields, is_dataclass
from fractions import Fraction

from suanli.compiler.metrics import NAMED_METRICS
from suanli.compiler.years import YearAxis, year_of
from suanli.diagnostics import DiagnosticBag, error
from suanli.grammar import ast

PER_YEAR = frozenset({"nodes", "compute", "storage", "power", "memory", "served", "utilization",
                      "latency"})
TOTAL_CALLS = frozenset({"energy", "renewable_energy", "carbon"})


@dataclass
class YearStatement:
    stmt: object  # ast Require/Assert, or a For over other domains around one
    policy: str | None
    year: int | None  # None: checked once on totals
    every_year: bool  # a per-year statement without `at`: one copy per year
    tag: str | None  # "y=2027" of an unrolled `for y in years`


def plan_statements(statements, axis: YearAxis, diags: DiagnosticBag) -> list[YearStatement]:
    out: list[YearStatement] = []
    for stmt, policy in statements:
        for unrolled, tag in _unroll(stmt, axis):
            item = _classify(unrolled, policy, tag, axis, diags)
            if item is not None:
                out.append(item)
    return out


def _unroll(stmt, axis: YearAxis):
    """(statement, tag) pairs with every `for v in years` replaced by copies."""
    if not isinstance(stmt, ast.For):
        yield stmt, None
        return
    if isinstance(stmt.domain, ast.Name) and stmt.domain.dotted == "years":
        for year in axis.years:
            body = substitute(stmt.body, stmt.var, year)
            for inner, tag in _unroll(body, axis):
                yield inner, f"{stmt.var}={year}" + (f",{tag}" if tag else "")
        return
    for inner, tag in _unroll(stmt.body, axis):
        yield dataclasses.replace(stmt, body=inner), tag


def substitute(node, var: str, year: int):
    """`node` with every Name `var` replaced by the number `year`."""
    if isinstance(node, ast.Name) and node.parts == (var,):
        return ast.Num(Fraction(year), str(year), node.span)
    if isinstance(node, ast.For) and node.var == var:
        return node  # an inner loop rebinding the name
    if isinstance(node, tuple):
        return tuple(substitute(item, var, year) for item in node)
    if is_dataclass(node) and not isinstance(node, type) and not isinstance(node, ast.Num):
        changes = {}
        for f in fields(node):
            value = getattr(node, f.name)
            if f.name.endswith("span") or not (is_dataclass(value) or isinstance(value, tuple)):
                continue
            new = substitute(value, var, year)
            if new is not value:
                changes[f.name] = new
        return dataclasses.replace(node, **changes) if changes else node
    return node


def leaf(stmt):
    while isinstance(stmt, ast.For):
        stmt = stmt.body
    return stmt


def _classify(stmt, policy, tag, axis: YearAxis, diags: DiagnosticBag) -> YearStatement | None:
    body = leaf(stmt)
    if body.at is not None:
        year = year_of(body.at, diags)
        if year is None:
            return None
        if not axis.first <= year <= axis.last:
            diags.add(error("E0805", f"`at {year}` is outside years {axis.first} .. {axis.last}",
                            body.at.span, "outside the planning years",
                            help=f"use a year in {axis.first} .. {axis.last}"))
            return None
        return YearStatement(strip_at(stmt), policy, year, False, tag)
    per_year, totals = metric_kinds(body.cmp)
    if per_year and totals:
        diags.add(error("E0806", "this statement mixes totals with per-year metrics", body.cmp.span,
                        f"totals ({', '.join(sorted(totals))}) and per-year metrics "
                        f"({', '.join(sorted(per_year))})",
                        help="add `at YEAR:` (or `for y in years: ... at y:`) to compare them in one year"))
        return None
    return YearStatement(stmt, policy, None, bool(per_year), tag)


def strip_at(stmt):
    if isinstance(stmt, ast.For):
        return dataclasses.replace(stmt, body=strip_at(stmt.body))
    return dataclasses.replace(stmt, at=None)


def metric_kinds(node) -> tuple[set[str], set[str]]:
    """(per-year metric names, total metric names) used anywhere in `node`."""
    per_year: set[str] = set()
    totals: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Call):
            if item.func in PER_YEAR:
                per_year.add(item.func)
            elif item.func in TOTAL_CALLS:
                totals.add(item.func)
            stack.extend(item.args)
        elif isinstance(item, ast.Name):
            if item.dotted in NAMED_METRICS:
                totals.add(item.dotted)
        elif isinstance(item, tuple):
            stack.extend(item)
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in fields(item)
                         if not f.name.endswith("span"))
    return per_year, totals


def names_in(node) -> set[str]:
    """Every one-part name used in a statement (selectors, targets, `for` lists)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Name):
            if len(item.parts) == 1:
                out.add(item.parts[0])
        elif isinstance(item, tuple):
            stack.extend(item)
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in fields(item) if not f.name.endswith("span"))
    return out


def with_year_tag(name: str, tag: str) -> str:
    """`a` -> `a[y=2027]`; `a[r=x]` -> `a[r=x,y=2027]`."""
    if name.endswith("]"):
        return f"{name[:-1]},{tag}]"
    return f"{name}[{tag}]"
