"""The report page: one self-contained HTML file (inline CSS and SVG, no script, no
network), for a plan (`plan_report`) or for a change between two plans (`diff_report`).
"""

from __future__ import annotations

from typing import Optional

from suanli.report import charts, tables
from suanli.report.context import ReportContext
from suanli.report.graph import graph_chart
from suanli.report.tables import e, n
from suanli.rounding import num

CSS = """
body{font-family:"DejaVu Sans",Verdana,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;
color:#222;background:#fff;max-width:1500px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.sub{color:#666;margin:0 0 12px}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:8px 0}
dl.summary dt{font-weight:bold}dl.summary dd{margin:0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px;align-items:start}
.panel{min-width:0}.panel h3{font-size:14px;margin:6px 0}
svg.chart{max-width:100%;height:auto;display:block}
svg.chart[data-chart^="graph"]{width:100%;max-width:860px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 14px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:bold}tr.binding td{background:#fff3e0}tr.fails td{background:#fde2e2}
tr.changed td{background:#fff7c2}tr.up td.delta{color:#b00020}tr.down td.delta{color:#1b7a2f}
.label{color:#666;font-size:11px}.none{color:#777;font-style:italic}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;background:#eee;font-size:12px}
.badge.changed{background:#ffe08a}.badge.same{background:#d7f0d9}
"""


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"suanli report\">\n"
            f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")


def _figure(svg: str, empty: str) -> str:
    return svg if svg else f'<p class="none">{e(empty)}</p>\n'


def _section(title: str, *parts: str) -> str:
    return f"<section>\n<h2>{e(title)}</h2>\n{''.join(parts)}</section>\n"


def plan_report(plan: dict, context: Optional[ReportContext] = None) -> str:
    """The report of one plan (a JSON-shaped dict, docs/plan.md)."""
    context = context or ReportContext()
    caps = {r["name"]: context.facts(r["name"]).power_cap_mw for r in plan.get("regions", [])}
    no_spec = "" if context.known else ('<p class="none">Carbon intensity, power caps and labels come from '
                                       "the spec: give the spec (or <code>--spec SPEC</code>) to see them.</p>\n")
    body = [f"<h1>Plan for {e(plan.get('spec', ''))}</h1>\n", tables.summary_list(plan), no_spec,
            _section("Regions and links", _figure(graph_chart(plan, context), "No regions.")),
            _section("Cost, nodes and power", '<div class="grid">',
                     _panel(_figure(charts.cost_chart([("plan", plan)]), "No plan, no cost.")
                            + tables.cost_table(plan)),
                     _panel(_figure(charts.nodes_chart(plan), "No nodes are built.")
                            + _figure(charts.power_chart(plan, caps), "No power is drawn.")), "</div>\n"),
            _section("Requires and asserts", _figure(charts.statements_chart(plan), "No requires or asserts."),
                     tables.statements_table(plan))]
    if plan.get("years"):
        body.append(_section("Year by year", charts.years_chart(plan), _years_table(plan)))
    body.append(_section("Regions, links and placements", tables.regions_table(plan, context),
                         tables.links_table(plan), tables.placements_table(plan)))
    notes = tables.notes_list(plan)
    if notes:
        body.append(_section("Warnings and explanations", notes))
    return _page(f"suanli plan: {plan.get('spec', '')}", "".join(body))


def _panel(inner: str) -> str:
    return f'<div class="panel">{inner}</div>\n'


def _years_table(plan: dict) -> str:
    rows = []
    for y in plan.get("years") or []:
        cost = y.get("cost") or {}
        builds = {}
        for r in y.get("regions", []):
            for t, v in (r.get("builds") or {}).items():
                builds[t] = builds.get(t, 0) + v
        rows.append([e(y.get("year")), e(", ".join(f"{t}={num(v)}" for t, v in sorted(builds.items())) or "-"),
                     n(sum(v or 0.0 for k, v in cost.items() if k != "total")), n(y.get("discount_factor"))])
    return tables.table(["year", "built", f"cost ({e(plan.get('currency', ''))}, undiscounted)",
                         "discount factor"], rows, numeric_from=2)


def diff_report(old: dict, new: dict, diff: dict, old_context: Optional[ReportContext] = None,
                new_context: Optional[ReportContext] = None) -> str:
    """Before and after side by side, with what changed highlighted (diff: the JSON of
    `suanli diff --format json`)."""
    old_context, new_context = old_context or ReportContext(), new_context or ReportContext()
    types = charts.node_types_of([old, new])
    sides = [("before", old, old_context), ("after", new, new_context)]
    badge = ('<span class="badge changed">changed</span>' if diff.get("changed")
             else '<span class="badge same">no change</span>')
    body = [f"<h1>Plan change {badge}</h1>\n",
            f'<p class="sub">before: {e(old.get("spec", ""))} — after: {e(new.get("spec", ""))}</p>\n',
            _section("What changed", _changes(diff)),
            _section("Cost", _figure(charts.cost_chart([("before", old), ("after", new)], "cost"),
                                     "Neither side has a plan."), _value_changes(diff.get("cost", []))),
            _side_by_side("Regions and links", [
                _figure(graph_chart(p, c, f"graph-{k}", f"Regions and links ({k})"), "No regions.")
                for k, p, c in sides]),
            _side_by_side("Nodes per region and type", [
                _figure(charts.nodes_chart(p, types, f"nodes-{k}", f"Nodes ({k})"), "No nodes are built.")
                for k, p, _ in sides]),
            _side_by_side("Power against the cap", [
                _figure(charts.power_chart(p, {r["name"]: c.facts(r["name"]).power_cap_mw
                                               for r in p.get("regions", [])}, f"power-{k}", f"Power ({k})"),
                        "No power is drawn.") for k, p, c in sides]),
            _side_by_side("Requires and asserts", [
                _figure(charts.statements_chart(p, f"statements-{k}"), "No requires or asserts.")
                for k, p, _ in sides])]
    return _page("suanli plan change", "".join(body))


def _side_by_side(title: str, panels: list[str]) -> str:
    inner = "".join(_panel(f"<h3>{label}</h3>{p}") for label, p in zip(("before", "after"), panels))
    return _section(title, f'<div class="grid">{inner}</div>\n')


def _value_changes(changes: list[dict]) -> str:
    rows, classes = [], []
    for c in changes:
        delta = c.get("delta")
        rows.append([e(c["name"]), n(c.get("old")), n(c.get("new")),
                     f'<span class="delta">{n(delta)}</span>', n(c.get("pct"))])
        direction = "" if not delta else (" up" if delta > 0 else " down")
        classes.append(("changed" + direction) if c.get("changed") else "")
    return tables.table(["item", "before", "after", "change", "change %"], rows, classes)


def _changes(diff: dict) -> str:
    parts = [_value_changes([diff["total"]] + diff.get("metrics", [])) if diff.get("total") else ""]
    nodes = [[e(c.get("region") or "all"), e(c["node_type"]), n(c["old"]), n(c["new"]), n(c["delta"])]
             for r in diff.get("regions", []) for c in r.get("nodes", [])]
    parts.append(tables.table(["region", "node type", "before", "after", "change"], nodes,
                              ["changed"] * len(nodes), numeric_from=2))
    moves = [[e(f"{p['kind']} {p['name']}"), e(p.get("old") or "-"), e(p.get("new") or "-")]
             for p in diff.get("placements", [])]
    parts.append(tables.table(["moved", "before", "after"], moves, ["changed"] * len(moves), numeric_from=3))
    stmts = [[e(f"{s['kind']} {s['name']}"), e(s["old"]), e(s["new"]), n(s.get("old_value")), n(s.get("new_value")),
              e(s.get("unit", ""))] for s in diff.get("statements", [])]
    parts.append(tables.table(["statement", "before", "after", "value before", "value after", "unit"], stmts,
                              ["changed"] * len(stmts), numeric_from=3))
    notes = "".join(f"<li>{e(x)}</li>" for x in diff.get("notes", []))
    return "".join(parts) + (f"<ul>{notes}</ul>\n" if notes else "")
