"""`--format table` (the default on a terminal): aligned text for people.

A plan: plan_text.py's sections; a diff: diff_text.py's; an invalid spec: one
line (its diagnostics are on stderr). `check --format text` (the default):
nothing on stdout, the rustc-style diagnostics on stderr. `explain --format text`
(the default): the groups to relax, one a line.
"""

from __future__ import annotations

from suanli.formats.outputs import DiagnosticOutput, DiffOutput, ExplainOutput, PlanOutput


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


def explanation(out: ExplainOutput) -> str:
    if out.scenarios is not None:
        return _robust_explanation(out)
    if out.status == "infeasible":
        return "".join([f"{out.spec} is infeasible; relaxing these (least total slack) would make it feasible:\n"]
                       + [f"  - {i.message}" + (f"  [{i.location}]" if i.location and i.location not in i.message
                                                else "") + "\n" for i in out.items])
    if out.status in ("optimal", "feasible"):
        return f"{out.spec} is feasible: nothing to explain\n"
    return f"{out.spec}: the solver could not decide feasibility ({out.status})\n"


def _robust_explanation(out: ExplainOutput) -> str:
    names = ", ".join(out.scenarios)
    if out.status == "infeasible":
        return "".join([f"{out.spec}: no one build serves every scenario of {names}\n"]
                       + [f"  scenario {name} is infeasible even on its own\n" for name in out.infeasible_alone]
                       + ["relaxing these (least total slack) would make the robust plan feasible:\n"]
                       + [f"  - {i.message}\n" for i in out.items])
    if out.status in ("optimal", "feasible"):
        return f"{out.spec}: one build serves every scenario of {names}: nothing to explain\n"
    return f"{out.spec}: the solver could not decide feasibility ({out.status})\n"
