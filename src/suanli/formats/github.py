"""`--format github`: GitHub workflow commands (`::error file=...,line=...::message`),
one per finding, then a `::notice` summary line (docs/ci.md)."""

from __future__ import annotations

from suanli.formats.findings import Finding, diagnostic_findings, plan_findings, plan_summary
from suanli.formats.outputs import DiagnosticOutput, PlanOutput


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


def plan(out: PlanOutput) -> str:
    if out.plan is None:
        return diagnostics(out.invalid)
    return github_lines(plan_findings(out.plan, out.budget), plan_summary(out.plan, out.budget))


def diagnostics(out: DiagnosticOutput) -> str:
    return github_lines(diagnostic_findings(out.diagnostics),
                        f"{len(out.files)} file(s) checked: {out.errors} error(s), {out.warnings} warning(s)")
