"""`--format table` (the default on a terminal): aligned text for people.

A plan: plan_text.py's sections; a diff: diff_text.py's; an invalid spec: one
line (its diagnostics are on stderr). `check --format text` (the default):
nothing on stdout, the rustc-style diagnostics on stderr.
"""

from __future__ import annotations

from suanli.formats.outputs import DiagnosticOutput, DiffOutput, PlanOutput


def plan(out: PlanOutput) -> str:
    from suanli.formats.plan_text import render

    if out.plan is None:
        return invalid_line(out)
    return render(out.plan, md=False)


def invalid_line(out: PlanOutput) -> str:
    return f"suanli: {out.spec}: {out.invalid_message}\n"


def diff(out: DiffOutput) -> str:
    from suanli.formats.diff_text import render_diff

    return render_diff(out.diff, md=False)


def diagnostics(out: DiagnosticOutput) -> str:
    return ""  # the text rendering goes to stderr (DIAGNOSTIC_FORMATS: text_on_stderr)
