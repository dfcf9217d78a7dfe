"""CI-native renderings of a plan (`solve`) and of diagnostics (`check`):
JUnit XML, SARIF 2.1.0 and GitHub workflow commands (docs/ci.md).

Both sources are first turned into format-neutral `Finding`s (something to
report, with a severity and a spec location); SARIF and GitHub render
findings, JUnit renders every statement as a testcase. Severities: a failing
mandatory assert, an infeasibility, a blown cost budget and an error
diagnostic are `error`; a failing advisory assert, a plan warning and a
warning diagnostic are `warning`; notes are `note` (GitHub `notice`).
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Iterable, Optional

from suanli.solver.plan import Plan
from suanli.solver.render import _bound, num

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
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


def _statement(s) -> str:
    return f"value {num(s.value)} {s.unit}".rstrip() + f", required {_bound(s)} {s.unit}".rstrip()


# -- findings -------------------------------------------------------------------------------------

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
                               f"advisory assert {a.name} fails: {_statement(a)} "
                               "(advisory: reported, does not fail the run)", **_at(a.location, spec,
                                                                                    properties=props)))
        else:
            out.append(Finding("suanli/assert", "error", f"assert {a.name} fails",
                               f"assert {a.name} fails: {_statement(a)}", **_at(a.location, spec,
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


# -- GitHub workflow commands ---------------------------------------------------------------------

def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(findings: list[Finding], summary: str) -> str:
    lines = []
    for f in findings:
        kind = {"error": "error", "warning": "warning"}.get(f.level, "notice")
        props = []
        if f.path:
            props.append(f"file={_gh_prop(f.path)}")
            if f.line:
                props.append(f"line={f.line}")
                if f.end_line and f.end_line > f.line:
                    props.append(f"endLine={f.end_line}")
            if f.col:
                props.append(f"col={f.col}")
                if f.end_col and (not f.end_line or f.end_line == f.line) and f.end_col > f.col:
                    props.append(f"endColumn={f.end_col}")
        props.append(f"title={_gh_prop(f.title)}")
        lines.append(f"::{kind} {','.join(props)}::{_gh_data(f.message)}")
    lines.append(f"::notice title=suanli::{_gh_data(summary)}")
    return "\n".join(lines) + "\n"


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


def plan_github(plan: Plan, budget=None) -> str:
    return github_lines(plan_findings(plan, budget), plan_summary(plan, budget))


def diagnostics_github(files: list[str], diags: list) -> str:
    errors = sum(d.severity.value == "error" for d in diags)
    warnings = sum(d.severity.value == "warning" for d in diags)
    return github_lines(diagnostic_findings(diags),
                        f"{len(files)} file(s) checked: {errors} error(s), {warnings} warning(s)")


# -- SARIF 2.1.0 ----------------------------------------------------------------------------------

def _uri(path: str) -> dict:
    p = PurePath(path)
    if p.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": urllib.parse.quote(p.as_posix()), "uriBaseId": "%SRCROOT%"}


def _physical(path: str, line, col, end_line=None, end_col=None) -> dict:
    region: dict = {}
    if line:
        region["startLine"] = int(line)
        if col:
            region["startColumn"] = int(col)
        if end_line and end_line >= line:
            region["endLine"] = int(end_line)
            if end_col and (end_line > line or (col and end_col > col)):
                region["endColumn"] = int(end_col)
    out = {"artifactLocation": _uri(path)}
    if region:
        out["region"] = region
    return {"physicalLocation": out}


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("suanli")
    except Exception:  # pragma: no cover - not installed as a distribution
        return "0"


def sarif_log(findings: list[Finding], exit_code: int, properties: dict,
              rule_texts: Optional[dict[str, str]] = None) -> str:
    rules: list[dict] = []
    index: dict[str, int] = {}
    results = []
    for f in findings:
        if f.rule not in index:
            level, text = RULES.get(f.rule, (f.level, (rule_texts or {}).get(f.rule, f.title)))
            index[f.rule] = len(rules)
            rules.append({"id": f.rule, "shortDescription": {"text": text},
                          "defaultConfiguration": {"level": level}})
        result = {"ruleId": f.rule, "ruleIndex": index[f.rule], "level": f.level,
                  "message": {"text": f.message}}
        if f.path:
            result["locations"] = [_physical(f.path, f.line, f.col, f.end_line, f.end_col)]
        if f.related:
            result["relatedLocations"] = [
                {"id": i, **_physical(p, ln, c, el, ec), **({"message": {"text": t}} if t else {})}
                for i, (p, ln, c, el, ec, t) in enumerate(f.related)]
        if f.properties:
            result["properties"] = f.properties
        results.append(result)
    cwd = Path(os.getcwd()).as_uri().rstrip("/") + "/"
    run = {
        "tool": {"driver": {"name": "suanli", "version": _version(), "semanticVersion": _version(),
                            "rules": rules}},
        "invocations": [{"executionSuccessful": exit_code in (0, 1, 2, 3), "exitCode": exit_code}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": cwd}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": properties,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def plan_sarif(plan: Plan, exit_code: int, budget=None) -> str:
    props = {"spec": plan.spec, "status": plan.status, "currency": plan.currency,
             "cost": plan.cost.model_dump(mode="json"), "carbon_tco2": plan.carbon_tco2}
    if budget is not None:
        props["budget"] = budget.model_dump(mode="json")
    return sarif_log(plan_findings(plan, budget), exit_code, props)


def diagnostics_sarif(files: list[str], diags: list, exit_code: int) -> str:
    firsts: dict[str, str] = {}
    for d in diags:
        firsts.setdefault(d.code, f"suanli diagnostic {d.code} ({d.severity.value})")
    return sarif_log(diagnostic_findings(diags), exit_code, {"files": list(files)}, firsts)


# -- JUnit XML ------------------------------------------------------------------------------------

def plan_junit(plan: Plan, budget=None) -> str:
    from suanli.solver.ci_junit import Suite, junit_xml

    suite = Suite(plan.spec, {"status": plan.status, "currency": plan.currency,
                              "cost.total": num(plan.cost.total), "carbon_tco2": num(plan.carbon_tco2)})
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
    for s in plan.requires:
        p, ln, _ = parse_location(s.location)
        suite.case("suanli.require", s.name, p or plan.spec, ln).out(
            f"require {s.name} holds: {_statement(s)}; slack {num(s.slack)}; binding: "
            f"{'yes' if s.binding else 'no'}")
    for a in plan.asserts:
        p, ln, _ = parse_location(a.location)
        case = suite.case("suanli.assert.advisory" if a.advisory else "suanli.assert", a.name,
                          p or plan.spec, ln)
        case.props = {"advisory": "true" if a.advisory else "false",
                      "result": "pass" if a.passed else "fail"}
        if a.passed:
            case.out(f"assert {a.name} passes: {_statement(a)}")
        elif a.advisory:
            case.skip(f"advisory assert {a.name} fails: {_statement(a)} (advisory: reported, does not fail "
                      "the run)")
        else:
            case.fail("assert", f"assert {a.name} fails: {_statement(a)}")
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


def diagnostics_junit(files: list[str], diags: list, sources: Optional[dict[str, str]] = None) -> str:
    from suanli.solver.ci_junit import junit_xml

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
    from suanli.solver.ci_junit import Suite

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
