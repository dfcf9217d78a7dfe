"""Robust plans (LANGUAGE.md §10): the RobustPlan as json, table or markdown
(ROBUST_PLAN_FORMATS), and the diff of two robust plans (ROBUST_DIFF_FORMATS)."""

from __future__ import annotations

import json
from typing import Optional

from suanli.formats.cells import table
from suanli.rounding import num


def plan_json(plan) -> str:
    from suanli.solver.robust_plan import dumps

    return dumps(plan)


def plan_table(plan) -> str:
    return _plan_text(plan, md=False)


def plan_markdown(plan) -> str:
    return _plan_text(plan, md=True)


def _plan_text(plan, md: bool) -> str:
    head = f"Robust plan for {plan.spec}"
    out = [("# " if md else "") + head, "",
           f"status     {plan.status}" + (f" ({plan.message})" if plan.message else ""),
           f"scenarios  {', '.join(plan.robust.scenarios)}",
           f"objective  {plan.robust.objective} = {num(plan.objective)} {plan.objective_unit}", ""]
    rows = [[b.region, "yes" if b.open else "no",
             ", ".join(f"{t}={num(v)}" for t, v in sorted(b.nodes.items())) or "-"] for b in plan.builds]
    out += table("Shared builds" + (" (last year)" if plan.years else ""), ["region", "open", "nodes"], rows, md)
    if plan.years:
        out += table("Shared build-out per year", ["year", "region", "open", "builds", "installed nodes"],
                     year_rows(plan), md)
    rows = []
    for s in plan.scenarios:
        failed = [a.name for a in s.plan.asserts if not a.passed and not a.advisory]
        rows.append([s.name, s.plan.status, num(s.plan.objective), num(s.plan.cost.total),
                     num(s.plan.carbon_tco2), ", ".join(failed) or "-"])
    out += table(f"Scenarios ({plan.currency})", ["scenario", "status", "objective", "cost", "carbon tCO2",
                                                   "failed asserts"], rows, md)
    out += [f"- {i.message}" for i in plan.infeasibility]
    return "\n".join(out).rstrip() + "\n"


def year_rows(plan) -> list[list[str]]:
    """§8: one row per year and region that is open or has nodes (the whole build-out)."""
    kinds = lambda d: ", ".join(f"{t}={num(v)}" for t, v in sorted(d.items())) or "-"
    return [[str(y.year), r.name, "yes" if r.open else "no", kinds(r.builds), kinds(r.nodes)]
            for y in plan.years or [] for r in y.regions if r.open or r.nodes]


def plan_html(plan, contexts: Optional[dict] = None) -> str:
    """The page of `suanli report ROBUST.json` (suanli.report.robust draws it); `contexts`:
    each scenario's spec facts (cmd_report.robust_html compiles them when it has the spec)."""
    from suanli.formats.html import require_report_extra

    require_report_extra()
    from suanli.report.robust import robust_report

    return robust_report(json.loads(plan_json(plan)), contexts)


def diff_json(diff: dict) -> str:
    return json.dumps(diff, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def diff_table(diff: dict) -> str:
    return _diff_text(diff, md=False)


def diff_markdown(diff: dict) -> str:
    """A pull-request comment: the objective's change as a headline, then Markdown tables."""
    return _diff_text(diff, md=True)


def diff_html(diff: dict) -> str:
    """One self-contained page (the report's style), the same sections as the table."""
    from suanli.formats.html import require_report_extra

    require_report_extra()
    from suanli.report.robust_diff import robust_diff_report

    return robust_diff_report(json.loads(diff_json(diff)))


def signed(v) -> str:
    return "-" if v is None else ("+" if v > 0 else "") + num(v)


def _diff_text(diff: dict, md: bool) -> str:
    obj = diff["objective"]
    arrow = "→" if md else "->"
    head = f"Robust objective: {num(obj['old'])} {arrow} {num(obj['new'])} ({signed(obj['change'])})"
    out = [("### " if md else "") + head, ""]
    rows = [[b["region"], b["node_type"], num(b["old"]), num(b["new"]), signed(b["change"])] for b in diff["builds"]]
    out += table("Shared builds that changed", ["region", "node type", "old", "new", "change"], rows, md)
    if not rows:
        out += ["Shared builds: unchanged", ""]
    rows = [[s["region"], _site(s["old"]), _site(s["new"])] for s in diff["sites"]]
    out += table("Sites that changed", ["region", "old", "new"], rows, md)
    if "year_builds" in diff:  # §8: what is built or opened when
        out += _year_text(diff, md)
    rows = [[s["name"] + ("" if s["in"] == "both" else f" (only {s['in']})"), num(s["objective"]["old"]),
             num(s["objective"]["new"]), signed(s["cost"]["total"]["change"])] for s in diff["scenarios"]]
    out += table(f"Scenarios ({diff['currency']})", ["scenario", "old objective", "new objective",
                                                      "cost change"], rows, md)
    return "\n".join(out).rstrip() + "\n"


def _site(is_open: bool) -> str:
    return "open" if is_open else "closed"


def _year_text(diff: dict, md: bool) -> list[str]:
    rows = [[str(b["year"]), b["region"], b["node_type"], num(b["old"]), num(b["new"]), signed(b["change"])]
            for b in diff["year_builds"]]
    out = table("Builds per year that changed", ["year", "region", "node type", "old", "new", "change"],
                rows, md) if rows else ["Builds per year: unchanged", ""]
    rows = [[str(s["year"]), s["region"], _site(s["old"]), _site(s["new"])] for s in diff["year_sites"]]
    return out + table("Sites per year that changed", ["year", "region", "old", "new"], rows, md)
