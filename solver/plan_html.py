"""`Plan._repr_html_()`: the compact summary a notebook shows for a plan.

Status and objective, the cost parts, and the nodes per region (regions
with nodes or open, node types as columns); for a plan without one, its
message and the infeasibility explanation. Every text from the spec or plan
is HTML-escaped: names and messages come from user files.
"""

from __future__ import annotations

from html import escape

from suanli.solver.frames import COST_PARTS


def plan_html(plan) -> str:
    parts = [f'<div class="suanli-plan"><p><b>suanli plan</b> for <code>{escape(plan.spec)}</code>'
             + (f" (scenario <code>{escape(plan.scenario)}</code>)" if plan.scenario else "")
             + f": status <b>{escape(plan.status)}</b>{_objective(plan)}</p>"]
    if plan.message:
        parts.append(f"<p>{escape(plan.message)}</p>")
    if plan.has_plan:
        parts.append(_cost_table(plan))
        parts.append(_nodes_table(plan))
        failing = [a.name for a in plan.asserts if not a.passed and not a.advisory]
        if failing:
            parts.append(f"<p>failing asserts: {escape(', '.join(failing))}</p>")
    if plan.infeasibility:
        items = "".join(f"<li>{escape(i.message)}</li>" for i in plan.infeasibility)
        parts.append(f"<p>relax one of these:</p><ul>{items}</ul>")
    return "".join(parts) + "</div>"


def _objective(plan) -> str:
    if plan.objective is None:
        return ""
    return f", objective {escape(_num(plan.objective))} {escape(plan.objective_unit)}"


def _num(value) -> str:
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _cost_table(plan) -> str:
    cost = plan.cost.model_dump()
    cells = [(part, cost[part]) for part in COST_PARTS if cost.get(part) is not None]
    head = "".join(f"<th>{escape(part)}</th>" for part, _ in cells)
    body = "".join(f'<td style="text-align:right">{escape(_num(v))}</td>' for _, v in cells)
    return (f"<table><caption>cost ({escape(plan.currency)})</caption>"
            f"<tr>{head}</tr><tr>{body}</tr></table>")


def _nodes_table(plan) -> str:
    types = sorted({t for r in plan.regions for t in r.nodes})
    rows = [r for r in plan.regions if r.open or r.nodes]
    if not rows:
        return "<p>no nodes are built</p>"
    head = "<th>region</th>" + "".join(f"<th>{escape(t)}</th>" for t in types)
    body = "".join("<tr><td>" + escape(r.name) + "</td>"
                   + "".join(f'<td style="text-align:right">{escape(_num(r.nodes.get(t, 0)))}</td>' for t in types)
                   + "</tr>" for r in rows)
    return f"<table><caption>nodes per region</caption><tr>{head}</tr>{body}</table>"
