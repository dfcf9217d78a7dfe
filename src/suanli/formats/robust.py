"""Robust plans (LANGUAGE.md §10): the RobustPlan as json, table or markdown
(ROBUST_PLAN_FORMATS), and the diff of two robust plans (ROBUST_DIFF_FORMATS)."""

from __future__ import annotations

import json

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
    out += table("Shared builds", ["region", "open", "nodes"], rows, md)
    rows = []
    for s in plan.scenarios:
        failed = [a.name for a in s.plan.asserts if not a.passed and not a.advisory]
        rows.append([s.name, s.plan.status, num(s.plan.objective), num(s.plan.cost.total),
                     num(s.plan.carbon_tco2), ", ".join(failed) or "-"])
    out += table(f"Scenarios ({plan.currency})", ["scenario", "status", "objective", "cost", "carbon tCO2",
                                                   "failed asserts"], rows, md)
    out += [f"- {i.message}" for i in plan.infeasibility]
    return "\n".join(out).rstrip() + "\n"


def diff_json(diff: dict) -> str:
    return json.dumps(diff, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def diff_table(diff: dict) -> str:
    signed = lambda v: "-" if v is None else ("+" if v > 0 else "") + num(v)
    obj = diff["objective"]
    out = [f"Robust objective: {num(obj['old'])} -> {num(obj['new'])} ({signed(obj['change'])})", ""]
    rows = [[b["region"], b["node_type"], num(b["old"]), num(b["new"]), signed(b["change"])] for b in diff["builds"]]
    out += table("Shared builds that changed", ["region", "node type", "old", "new", "change"], rows, False)
    if not rows:
        out += ["Shared builds: unchanged", ""]
    rows = [[s["region"], "open" if s["old"] else "closed", "open" if s["new"] else "closed"] for s in diff["sites"]]
    out += table("Sites that changed", ["region", "old", "new"], rows, False)
    rows = [[s["name"] + ("" if s["in"] == "both" else f" (only {s['in']})"), num(s["objective"]["old"]),
             num(s["objective"]["new"]), signed(s["cost"]["total"]["change"])] for s in diff["scenarios"]]
    out += table(f"Scenarios ({diff['currency']})", ["scenario", "old objective", "new objective",
                                                      "cost change"], rows, False)
    return "\n".join(out).rstrip() + "\n"
