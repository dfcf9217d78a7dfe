"""`--format junit`: JUnit XML (Jenkins, GitLab, GitHub test reporters; docs/ci.md).

A plan: a testcase for the solve, each require, each assert and the cost budget.
Diagnostics: a testsuite per file checked, a testcase per diagnostic.
"""

from __future__ import annotations

from suanli.formats.findings import SOLVED, parse_location, plan_summary, statement_text
from suanli.formats.junit_xml import Suite, junit_xml
from suanli.formats.outputs import DiagnosticOutput, PlanOutput
from suanli.rounding import num


def plan(out: PlanOutput) -> str:
    if out.plan is None:
        return diagnostics(out.invalid)
    return _plan_xml(out.plan, out.budget)


def _plan_xml(plan, budget) -> str:
    suite = Suite(plan.spec, {"status": plan.status, "currency": plan.currency,
                              "cost.total": num(plan.cost.total), "carbon_tco2": num(plan.carbon_tco2)})
    _status_cases(suite, plan)
    _statement_cases(suite, plan)
    if budget is not None and budget.max_increase is not None:
        limit = f"{100 * budget.max_increase:g}%"
        case = suite.case("suanli.budget", f"total cost increase <= {limit}", plan.spec, 1)
        if budget.exceeded:
            case.fail("cost-budget", budget.message)
        elif budget.increase is None:
            case.skip(budget.message)  # nothing to compare: no plan, or no baseline cost
        else:
            case.out(budget.message)
    suite.system_out = "\n".join(f"{w.code}: {w.message}" + (f" [{w.location}]" if w.location else "")
                                 for w in plan.warnings)
    return junit_xml("suanli solve", [suite])


def _status_cases(suite: Suite, plan) -> None:
    """The solve itself, and one failing case per infeasibility."""
    status_case = suite.case("suanli.plan", "solve", plan.spec, 1)
    if plan.status == "infeasible":
        status_case.fail("infeasible", plan.message or "no plan meets every constraint",
                         "\n".join(i.message for i in plan.infeasibility))
        for item in plan.infeasibility:
            p, ln, _ = parse_location(item.location)
            suite.case("suanli.infeasibility", item.constraint, p or plan.spec, ln).fail(
                "infeasible", item.message)
    elif plan.status not in SOLVED:
        status_case.error(plan.status, plan.message or f"no plan: {plan.status}")
    else:
        status_case.out(plan_summary(plan))


def _statement_cases(suite: Suite, plan) -> None:
    """A case per require (passing: it holds in any plan) and per assert (a failing advisory one skipped)."""
    for s in plan.requires:
        p, ln, _ = parse_location(s.location)
        suite.case("suanli.require", s.name, p or plan.spec, ln).out(
            f"require {s.name} holds: {statement_text(s)}; slack {num(s.slack)}; binding: "
            f"{'yes' if s.binding else 'no'}")
    for a in plan.asserts:
        p, ln, _ = parse_location(a.location)
        case = suite.case("suanli.assert.advisory" if a.advisory else "suanli.assert", a.name,
                          p or plan.spec, ln)
        case.props = {"advisory": "true" if a.advisory else "false",
                      "result": "pass" if a.passed else "fail"}
        if a.passed:
            case.out(f"assert {a.name} passes: {statement_text(a)}")
        elif a.advisory:
            case.skip(f"advisory assert {a.name} fails: {statement_text(a)} (advisory: reported, does not fail "
                      "the run)")
        else:
            case.fail("assert", f"assert {a.name} fails: {statement_text(a)}")


def diagnostics(out: DiagnosticOutput) -> str:
    files, diags, sources = out.files, out.diagnostics, out.sources
    suites = []
    for path in files:
        mine = [d for d in diags if d.span is not None and d.span.path == path]
        suites.append(_diag_suite(path, mine, sources or {}))
    rest = [d for d in diags if d.span is None or d.span.path not in files]
    if rest:
        suites.append(_diag_suite("(other files)", rest, sources or {}))
    return junit_xml("suanli check", suites)


def _diag_suite(path: str, diags: list, sources: dict[str, str]):
    from suanli.diagnostics import render

    suite = Suite(path, {})
    if not any(d.severity.value == "error" for d in diags):
        suite.case("suanli.check", "compiles", path, None).out(f"{path} compiles without errors")
    for d in diags:
        span = d.span
        where = f"{span.path}:{span.line}:{span.col}" if span else path
        case = suite.case(f"suanli.check.{d.severity.value}", f"{d.code} at {where}",
                          span.path if span else path, span.line if span else None)
        if d.severity.value == "error":
            case.fail(d.code, d.message, render(d, sources))
        else:
            case.out(render(d, sources))
    return suite
