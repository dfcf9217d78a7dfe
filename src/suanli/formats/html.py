"""`--format html`: the self-contained page of `suanli report` (suanli.report draws it).

A plan: its report (region facts from the spec, compiled on demand through
`PlanOutput.report_context`); a diff: before and after side by side; an invalid
spec: one line, as `table`. Needs `pip install 'suanli[report]'` (exit 2 saying
so otherwise). A notebook's compact plan summary is solver/plan_html.py
(`Plan._repr_html_`), which the solver owns.
"""

from __future__ import annotations

import json

from suanli.exitcodes import CommandError, ExitCode
from suanli.formats.outputs import DiffOutput, PlanOutput


def require_report_extra() -> None:
    """A clear message (exit 2) when matplotlib/networkx are not installed."""
    try:
        import matplotlib  # noqa: F401
        import networkx  # noqa: F401
    except ImportError as exc:
        raise CommandError(f"suanli: HTML reports need {exc.name}: pip install 'suanli[report]'",
                           ExitCode.INVALID) from None


def plan_dict(plan) -> dict:
    """The plan as its JSON reads back (rounded, sorted): what the page shows."""
    from suanli.solver.plan import dumps

    return json.loads(dumps(plan))


def plan(out: PlanOutput) -> str:
    from suanli.formats.table import invalid_line

    if out.plan is None:
        return invalid_line(out)
    require_report_extra()
    from suanli.report import plan_report

    return plan_report(plan_dict(out.plan), out.report_context())


def diff(out: DiffOutput) -> str:
    from suanli.formats.json import diff_dumps

    require_report_extra()
    from suanli.report import diff_report

    return diff_report(plan_dict(out.old), plan_dict(out.new), json.loads(diff_dumps(out.diff)),
                       *out.report_contexts())
