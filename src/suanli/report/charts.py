"""The report's bar charts (matplotlib, rendered by svg.py).

Every builder takes JSON-shaped plan dicts and returns an <svg> string, or "" when
there is nothing to draw (the page then shows a sentence instead of an empty chart).
"""

from __future__ import annotations

from typing import Optional

from suanli.report.svg import new_figure, styled, to_svg

COST_PARTS = ("site", "capex", "opex", "energy", "network", "carbon")
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
           "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
STATUS_COLOURS = {"holds": "#59a14f", "binding": "#f28e2b", "fails": "#e15759"}


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _stacked_barh(ax, labels: list[str], series: dict[str, list[float]]) -> None:
    """Horizontal bars, one per label, stacked by series (keys in legend order)."""
    left = [0.0] * len(labels)
    ypos = list(range(len(labels)))
    for i, (name, values) in enumerate(series.items()):
        ax.barh(ypos, values, left=left, color=colour(i), label=name, height=0.6)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(ypos, labels)
    ax.invert_yaxis()
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


@styled
def cost_chart(sides: list[tuple[str, dict]], chart_id: str = "cost") -> str:
    """One stacked bar per plan: the cost parts over the horizon."""
    sides = [(label, p) for label, p in sides if (p.get("cost") or {}).get("total") is not None]
    if not sides:
        return ""
    series = {part: [float(p["cost"].get(part) or 0.0) for _, p in sides] for part in COST_PARTS}
    series = {k: v for k, v in series.items() if any(v)} or {"total": [0.0] * len(sides)}
    fig = new_figure(5.8, 1.1 + 0.45 * len(sides))
    ax = fig.add_subplot()
    _stacked_barh(ax, [label for label, _ in sides], series)
    ax.set_xlabel(f"cost over the horizon ({sides[0][1].get('currency', '')})")
    ax.set_title("Cost by part")
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 6))
    return to_svg(fig, chart_id)


def node_types_of(plans: list[dict]) -> list[str]:
    return sorted({t for p in plans for r in p.get("regions", []) for t in (r.get("nodes") or {})})


@styled
def nodes_chart(plan: dict, types: Optional[list[str]] = None, chart_id: str = "nodes",
                title: str = "Nodes per region and type") -> str:
    """Stacked bars: node count per region, one colour per node type."""
    regions = [r for r in plan.get("regions", []) if r.get("nodes")]
    if not regions:
        return ""
    types = types or node_types_of([plan])
    series = {t: [float((r.get("nodes") or {}).get(t, 0)) for r in regions] for t in types}
    fig = new_figure(5.8, 1.0 + 0.3 * len(regions))
    ax = fig.add_subplot()
    _stacked_barh(ax, [r["name"] for r in regions], series)
    ax.set_xlabel("nodes")
    ax.set_title(title)
    return to_svg(fig, chart_id)


@styled
def power_chart(plan: dict, caps: dict[str, Optional[float]], chart_id: str = "power",
                title: str = "Facility power against the cap") -> str:
    """Power per region (PUE included) as bars; the cap as a black tick where one is set."""
    regions = [r for r in plan.get("regions", []) if r.get("power_mw") or caps.get(r["name"]) is not None]
    if not regions:
        return ""
    fig = new_figure(5.8, 1.0 + 0.3 * len(regions))
    ax = fig.add_subplot()
    ypos = list(range(len(regions)))
    power = [float(r.get("power_mw") or 0.0) for r in regions]
    ax.barh(ypos, power, color=colour(0), height=0.6, label="power (MW)")
    capped = [(y, caps[r["name"]]) for y, r in zip(ypos, regions) if caps.get(r["name"]) is not None]
    if capped:
        ax.scatter([c for _, c in capped], [y for y, _ in capped], marker="|", s=260, color="black",
                   linewidths=2.5, label="power cap", zorder=3)
    ax.set_yticks(ypos, [r["name"] for r in regions])
    ax.invert_yaxis()
    ax.set_xlabel("MW")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return to_svg(fig, chart_id)


def statement_status(s: dict) -> str:
    if s.get("passed") is False or (s.get("slack") is not None and s["slack"] < 0):
        return "fails"
    return "binding" if s.get("binding") else "holds"


def relative_slack(s: dict) -> Optional[float]:
    """Slack as a percentage of the bound's size (of the range's width for `in`)."""
    slack = s.get("slack")
    if slack is None:
        return None
    if s.get("op") == "in":
        scale = abs((s.get("upper") or 0.0) - (s.get("lower") or 0.0))
    else:
        scale = abs(s.get("bound") or 0.0)
    scale = scale or abs(s.get("value") or 0.0) or 1.0
    return 100.0 * slack / scale


@styled
def statements_chart(plan: dict, chart_id: str = "statements") -> str:
    """Slack of every require and assert, in percent of its bound: how much room is left."""
    items = [(kind, s) for kind in ("requires", "asserts") for s in plan.get(kind, [])
             if relative_slack(s) is not None]
    if not items:
        return ""
    fig = new_figure(6.5, 0.9 + 0.3 * len(items))
    ax = fig.add_subplot()
    ypos = list(range(len(items)))
    values = [max(-100.0, min(100.0, relative_slack(s))) for _, s in items]
    colours = [STATUS_COLOURS[statement_status(s)] for _, s in items]
    ax.barh(ypos, values, color=colours, height=0.6)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(ypos, [f"{'require' if k == 'requires' else 'assert'} {s['name']}" for k, s in items])
    ax.invert_yaxis()
    ax.set_xlim(min(-5.0, min(values) * 1.1), max(5.0, max(values) * 1.1))
    ax.set_xlabel("slack, % of the bound (capped at ±100%; 0 = binding, < 0 = violated)")
    ax.set_title("Requires and asserts: room left")
    return to_svg(fig, chart_id)


@styled
def years_chart(plan: dict, chart_id: str = "years") -> str:
    """Multi-year plans (§8): builds per year by node type, and cost per year by part."""
    years = plan.get("years") or []
    if not years:
        return ""
    labels = [str(y.get("year")) for y in years]
    types = sorted({t for y in years for r in y.get("regions", []) for t in (r.get("builds") or {})})
    builds = {t: [float(sum((r.get("builds") or {}).get(t, 0) for r in y.get("regions", [])))
                  for y in years] for t in types}
    costs = {p: [float((y.get("cost") or {}).get(p) or 0.0) for y in years] for p in COST_PARTS}
    costs = {k: v for k, v in costs.items() if any(v)}
    fig = new_figure(6.5, 5.2)
    top, bottom = fig.subplots(2, 1)
    _stacked_columns(top, labels, builds, "nodes built", "Builds per year")
    _stacked_columns(bottom, labels, costs, f"cost ({plan.get('currency', '')}, undiscounted)",
                     "Cost per year")
    fig.subplots_adjust(hspace=0.55)
    return to_svg(fig, chart_id)


def _stacked_columns(ax, labels: list[str], series: dict[str, list[float]], ylabel: str, title: str) -> None:
    bottom = [0.0] * len(labels)
    for i, (name, values) in enumerate(series.items()):
        ax.bar(labels, values, bottom=bottom, color=colour(i), label=name, width=0.6)
        bottom = [a + b for a, b in zip(bottom, values)]
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if series:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
