"""`--format sarif`: one SARIF 2.1.0 log (code scanning), a result per finding (docs/ci.md)."""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path, PurePath
from typing import Optional

from suanli.exitcodes import ExitCode
from suanli.formats.findings import RULES, Finding, diagnostic_findings, plan_findings
from suanli.formats.outputs import DiagnosticOutput, PlanOutput

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

# the command ran and judged the spec (a failed assert or an infeasible spec is a result, not a failure)
_RAN_TO_THE_END = (ExitCode.OK, ExitCode.ASSERT, ExitCode.INVALID, ExitCode.INFEASIBLE)


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
        "invocations": [{"executionSuccessful": exit_code in _RAN_TO_THE_END, "exitCode": exit_code}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": cwd}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": properties,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def plan(out: PlanOutput) -> str:
    if out.plan is None:
        return diagnostics(out.invalid)
    p, budget = out.plan, out.budget
    props = {"spec": p.spec, "status": p.status, "currency": p.currency,
             "cost": p.cost.model_dump(mode="json"), "carbon_tco2": p.carbon_tco2}
    if budget is not None:
        props["budget"] = budget.model_dump(mode="json")
    return sarif_log(plan_findings(p, budget), out.exit_code, props)


def diagnostics(out: DiagnosticOutput) -> str:
    firsts: dict[str, str] = {}
    for d in out.diagnostics:
        firsts.setdefault(d.code, f"suanli diagnostic {d.code} ({d.severity.value})")
    return sarif_log(diagnostic_findings(out.diagnostics), out.exit_code, {"files": list(out.files)}, firsts)
