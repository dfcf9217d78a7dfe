"""The report page of a robust plan (LANGUAGE.md §10, docs/plan.md "Robust plans").

One page: the robust objective; the shared build (nodes per region, and with years the
build-out year by year); the scenarios side by side (cost by part, objective, carbon, failed
asserts); then one section per scenario with its sub-plan as the plan report draws it (regions
and links, power, requires and asserts, years, placements). Sections and charts carry ids
(`shared-build`, `scenarios`, `scenario-1` ..., charts `graph-1`, `power-1` ...) that do not
clash. Input: the robust plan as JSON-shaped dict; `contexts` maps a scenario name to what
its spec knows (carbon intensity, power caps, labels).
"""

from __future__ import annotations

from typing import Optional

from suanli.report import charts, tables
from suanli.report.context import ReportContext
from suanli.report.graph import graph_chart
from suanli.report.html import _figure, _page, _panel, _section, _years_table
from suanli.report.tables import e, n
from suanli.rounding import num


def robust_report(plan: dict, contexts: Optional[dict[str, ReportContext]] = None) -> str:
    contexts = contexts or {}
    scenarios = plan.get("scenarios") or []
    body = [f"<h1>Robust plan for {e(plan.get('spec', ''))}</h1>\n", _summary(plan),
            _shared_build(plan, scenarios), _scenarios_section(plan, scenarios)]
    for k, s in enumerate(scenarios, 1):
        body.append(_scenario_section(k, s["name"], s["plan"], contexts.get(s["name"]) or ReportContext()))
    notes = tables.notes_list(plan)
    if notes:
        body.append(_section("Warnings and explanations", notes))
    return _page(f"suanli robust plan: {plan.get('spec', '')}", "".join(body))


def _summary(plan: dict) -> str:
    robust = plan.get("robust") or {}
    rows = [("status", plan.get("status", "") + (f" ({plan['message']})" if plan.get("message") else "")),
            ("scenarios", ", ".join(robust.get("scenarios", []))),
            ("objective", f"{robust.get('objective', '')} of the scenarios' {plan.get('objective_sense', '')} = "
                          f"{num(plan.get('objective'))} {plan.get('objective_unit', '')}"),
            ("mean cost", f"{num((plan.get('cost') or {}).get('total'))} {plan.get('currency', '')}"),
            ("solver", str(plan.get("solver", "")) + (" (relaxed)" if plan.get("relaxed") else ""))]
    items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    return f'<dl class="summary">{items}</dl>\n'


def _kinds(nodes: dict) -> str:
    return e(", ".join(f"{t}={num(v)}" for t, v in sorted((nodes or {}).items())) or "-")


def _shared_build(plan: dict, scenarios: list[dict]) -> str:
    builds = plan.get("builds") or []
    as_plan = {"regions": [{"name": b["region"], "nodes": b.get("nodes") or {}} for b in builds]}
    types = charts.node_types_of([s["plan"] for s in scenarios] + [as_plan])
    last = " (the last year's)" if plan.get("years") else ""
    rows = [[e(b["region"]), "yes" if b.get("open") else "no", _kinds(b.get("nodes")),
             n(sum((b.get("nodes") or {}).values()))] for b in builds]
    parts = [_figure(charts.nodes_chart(as_plan, types, "nodes-shared", f"Shared nodes{last}"),
                     "No nodes are built."),
             tables.table(["region", "open", "nodes", "total"], rows, numeric_from=3)]
    if plan.get("years"):
        rows = [[e(y["year"]), e(r["name"]), "yes" if r.get("open") else "no", _kinds(r.get("builds")),
                 _kinds(r.get("nodes"))]
                for y in plan["years"] for r in y.get("regions", []) if r.get("open") or r.get("nodes")]
        parts += ["<h3>Build-out per year</h3>\n",
                  tables.table(["year", "region", "open", "built", "installed"], rows, numeric_from=5)]
    return _section_id("shared-build", f"Shared build{last}", *parts)


def _scenarios_section(plan: dict, scenarios: list[dict]) -> str:
    rows, classes = [], []
    for s in scenarios:
        sub = s["plan"]
        failed = [a["name"] for a in sub.get("asserts", []) if not a.get("passed") and not a.get("advisory")]
        rows.append([f'<a href="#scenario-{len(rows) + 1}">{e(s["name"])}</a>', e(sub.get("status", "")),
                     n(sub.get("objective")), n((sub.get("cost") or {}).get("total")), n(sub.get("carbon_tco2")),
                     e(", ".join(failed) or "-")])
        classes.append("fails" if failed else "")
    unit = plan.get("objective_unit", "")
    table = tables.table(["scenario", "status", f"objective ({e(unit)})", f"cost ({e(plan.get('currency', ''))})",
                          "carbon tCO2", "failed asserts"], rows, classes, numeric_from=2)
    chart = charts.cost_chart([(s["name"], s["plan"]) for s in scenarios], "cost-scenarios")
    return _section_id("scenarios", "Scenarios", _figure(chart, "No scenario has a plan."), table)


def _scenario_section(k: int, name: str, sub: dict, context: ReportContext) -> str:
    caps = {r["name"]: context.facts(r["name"]).power_cap_mw for r in sub.get("regions", [])}
    parts = [tables.summary_list(sub), '<div class="grid">',
             _panel(_figure(graph_chart(sub, context, f"graph-{k}", f"Regions and links ({name})"), "No regions.")),
             _panel(tables.cost_table(sub)
                    + _figure(charts.power_chart(sub, caps, f"power-{k}", f"Power ({name})"), "No power is drawn.")),
             "</div>\n", "<h3>Requires and asserts</h3>\n", tables.statements_table(sub)]
    if sub.get("years"):
        parts += ["<h3>Year by year</h3>\n", charts.years_chart(sub, f"years-{k}"), _years_table(sub)]
    parts += ["<h3>Regions, links and placements</h3>\n", tables.regions_table(sub, context),
              tables.links_table(sub), tables.placements_table(sub)]
    return _section_id(f"scenario-{k}", f"Scenario {name}", *parts)


def _section_id(ident: str, title: str, *parts: str) -> str:
    return _section(title, *parts).replace("<section>", f'<section id="{ident}">', 1)
