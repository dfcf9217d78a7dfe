"""`--format markdown`: a plan as a Markdown page; a diff as a pull-request comment
(a headline line, then collapsible `<details>` sections)."""

from __future__ import annotations

from suanli.formats.outputs import DiffOutput, PlanOutput


def plan(out: PlanOutput) -> str:
    from suanli.formats.plan_text import render

    if out.plan is None:
        return f"# Plan for {out.spec}\n\n- **status**: error\n- **message**: {out.invalid_message}\n"
    return render(out.plan, md=True)


def diff(out: DiffOutput) -> str:
    from suanli.formats.diff_text import render_diff

    return render_diff(out.diff, md=True)
