"""HTML reports of plans and plan diffs: one self-contained file, charts as inline SVG.

`plan_report(plan, context=None) -> str` and `diff_report(old, new, diff, ...) -> str`
(in `html.py`) take plans as JSON-shaped dicts (docs/plan.md), so a plan with fields
this version does not know (e.g. `years`) still renders; `context` adds what only the
spec knows (carbon intensity, power caps, labels: `context.py`). Same input, same bytes.
"""

from suanli.report.html import diff_report, plan_report

__all__ = ["plan_report", "diff_report"]
