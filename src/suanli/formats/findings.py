"""What the CI formats (junit.py, sarif.py, github.py; docs/ci.md) report of a
plan (`solve`) and of diagnostics (`check`).

Both sources are first turned into format-neutral `Finding`s (something to
report, with a severity and a spec location); SARIF and GitHub render
findings, JUnit renders every statement as a testcase. Severities: a failing
mandatory assert, an infeasibility, a blown cost budget and an error
diagnostic are `error`; a failing advisory assert, a plan warning and a
warning diagnostic are `warning`; notes are `note` (GitHub `notice`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Optional

from suanli.formats.cells import bound_text
from suanli.rounding import num

if TYPE_CHECKING:  # no solver import at run time: `check` renders diagnostics with this module
    from suanli.solver.plan import Plan

SOLVED = ("optimal", "feasible")
RULES = {
    "suanli/assert": ("error", "A mandatory assert fails on the solved plan"),
    "suanli/advisory-assert": ("warning", "An advisory assert fails (reported, never fails the run)"),
    "suanli/infeasible": ("error", "No plan meets every constraint"),
    "suanli/no-plan": ("error", "The solver produced no plan"),
    "suanli/cost-budget": ("error", "The total cost rose more than --max-increase allows"),
}


@dataclass
class Finding:
    rule: str
    level: str  # error | warning | note
    title: str
    message: str
    path: Optional[str] = None
    line: Optional[int] = None
    col: Optional[int] = None
    end_line: Optional[int] = None
    end_col: Optional[int] = None
    related: list[tuple[str, int, int, int, int, str]] = field(default_factory=list)
    properties: dict = field(default_factory=dict)


def parse_location(loc: Optional[str]) -> tuple[Optional[str], Optional[int], Optional[int]]:
    """`path:line:col` (the plan's `location` fields) -> (path, line, col)."""
    if not loc:
        return None, None, None
    m = re.fullmatch(r"(.+):(\d+):(\d+)", loc)
    if m:
        return m.group(1), int(m.group(2)), int(m.group(3))
    m = re.fullmatch(r"(.+):(\d+)", loc)
    if m:
        return m.group(1), int(m.group(2)), None
    return loc, None, None


def _at(loc: Optional[str], default: str, **kw) -> dict:
    path, line, col = parse_location(loc)
    if path is None:
        path, line = default, 1  # whole-spec findings point at its first line
    return dict(path=path, line=line, col=col, **kw)


def statement_text(s) -> str:
    return f"value {num(s.value)} {s.unit}".rstrip() + f", required {bound_text(s)} {s.unit}".rstrip()


def plan_findings(plan: Plan, budget=None) -> list[Finding]:
    spec = plan.spec
    out: list[Finding] = []
    if plan.status == "infeasible":
        for item in plan.infeasibility:
            out.append(Finding("suanli/infeasible", "error", f"infeasible: {item.constraint}", item.message,
                               **_at(item.location, spec, properties={"shortfall": item.shortfall,
                                                                      "unit": item.unit})))
        if not plan.infeasibility:
            out.append(Finding("suanli/infeasible", "error", "infeasible", plan.message or "infeasible",
                               **_at(None, spec)))
    elif plan.status not in SOLVED:
        out.append(Finding("suanli/no-plan", "error", f"no plan ({plan.status})",
                           plan.message or f"no plan: {plan.status}", **_at(None, spec)))
    for a in plan.asserts:
        if a.passed is not False:
            continue
        props = {"value": a.value, "bound": a.bound, "unit": a.unit, "advisory": a.advisory}
        if a.advisory:
            out.append(Finding("suanli/advisory-assert", "warning", f"advisory assert {a.name} fails",
                               f"advisory assert {a.name} fails: {statement_text(a)} "
                               "(advisory: reported, does not fail the run)", **_at(a.location, spec,
                                                                                    properties=props)))
        else:
            out.append(Finding("suanli/assert", "error", f"assert {a.name} fails",
                               f"assert {a.name} fails: {statement_text(a)}", **_at(a.location, spec,
                                                                               properties=props)))
    if budget is not None and budget.exceeded:
        out.append(Finding("suanli/cost-budget", "error", "cost budget exceeded", budget.message,
                           **_at(None, spec, properties={"increase": budget.increase,
                                                         "max_increase": budget.max_increase})))
    for w in plan.warnings:
        if w.code == "B001" and budget is not None and budget.exceeded:
            continue  # the budget finding above says it, as an error
        out.append(Finding(w.code, "warning", f"{w.code}", w.message, **_at(w.location, spec)))
    return out


def diagnostic_findings(diags: Iterable) -> list[Finding]:
    out = []
    for d in diags:
        text = d.message
        span = d.span
        labels = [lab.text for lab in d.labels[:1] if lab.text]
        extra = [f"note: {n}" for n in d.notes] + ([f"help: {d.help}"] if d.help else [])
        message = "\n".join([text + (f" ({labels[0]})" if labels else "")] + extra)
        loc = {}
        if span is not None and not span.path.startswith("<"):
            loc = dict(path=span.path, line=span.line, col=span.col, end_line=span.end_line,
                       end_col=span.end_col)
        related = [(lab.span.path, lab.span.line, lab.span.col, lab.span.end_line, lab.span.end_col,
                    lab.text) for lab in d.labels[1:] if not lab.span.path.startswith("<")]
        out.append(Finding(d.code, d.severity.value, f"{d.code}: {d.message}", message,
                           related=related, **loc))
    return out


def plan_summary(plan: Plan, budget=None) -> str:
    head = f"{plan.spec}: {plan.status}"
    if plan.cost.total is not None:
        head += f", total cost {num(plan.cost.total)} {plan.currency}"
    if plan.carbon_tco2 is not None:
        head += f", carbon {num(plan.carbon_tco2)} tCO2"
    parts = [head]
    if plan.status in SOLVED:
        failed = [a for a in plan.asserts if a.passed is False]
        parts.append(f"{len(plan.requires)} require(s) hold; "
                     f"{len(plan.asserts) - len(failed)} of {len(plan.asserts)} assert(s) pass"
                     + (f" ({sum(a.advisory for a in failed)} failing advisory)"
                        if any(a.advisory for a in failed) else ""))
    if budget is not None:
        parts.append(budget.message)
    return "; ".join(parts)
