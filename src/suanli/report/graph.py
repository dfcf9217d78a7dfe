"""The region/link graph: nodes sized by installed compute, links by traffic,
regions coloured by grid carbon intensity (grey where the plan alone cannot say).

Positions come from networkx's spring layout with a fixed seed (so the same plan
draws the same picture), weighted so that low-latency links pull harder.
"""

from __future__ import annotations

import math

import networkx as nx
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from suanli.report.context import ReportContext
from suanli.report.svg import new_figure, styled, to_svg

SEED = 7
UNKNOWN = "#d0d0d0"


def layout(plan: dict, context: ReportContext) -> dict[str, tuple[float, float]]:
    graph = nx.Graph()
    graph.add_nodes_from(sorted(r["name"] for r in plan.get("regions", [])))
    for link in plan.get("links", []):
        graph.add_edge(link["a"], link["b"], weight=1.0 / max(1.0, float(link.get("latency_ms") or 1.0)))
    for a, b in context.links:
        if not graph.has_edge(a, b) and a in graph and b in graph:
            graph.add_edge(a, b, weight=0.1)
    if graph.number_of_nodes() == 0:
        return {}
    pos = nx.spring_layout(graph, seed=SEED, weight="weight", iterations=200)
    return {n: (round(float(x), 6), round(float(y), 6)) for n, (x, y) in sorted(pos.items())}


def _traffic(link: dict) -> float:
    return float(link.get("traffic_ab_gbps") or 0.0) + float(link.get("traffic_ba_gbps") or 0.0)


@styled
def graph_chart(plan: dict, context: ReportContext, chart_id: str = "graph",
                title: str = "Regions and links") -> str:
    pos = layout(plan, context)
    if not pos:
        return ""
    fig = new_figure(8.0, 6.0)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title)
    _draw_links(ax, plan, pos)
    mappable = _draw_regions(ax, plan, context, pos)
    if mappable is not None:
        bar = fig.colorbar(mappable, ax=ax, shrink=0.7, pad=0.02)
        bar.set_label("grid carbon intensity (gCO2/kWh)")
    ax.margins(0.12)
    return to_svg(fig, chart_id)


def _draw_links(ax, plan: dict, pos) -> None:
    links = plan.get("links", [])
    peak = max([_traffic(l) for l in links] + [1e-12])
    for link in links:
        (x1, y1), (x2, y2) = pos[link["a"]], pos[link["b"]]
        traffic = _traffic(link)
        width = 0.6 + 7.0 * traffic / peak if traffic > 0 else 0.6
        ax.plot([x1, x2], [y1, y2], color="#4e79a7" if traffic > 0 else "#bbbbbb",
                linewidth=width, solid_capstyle="round", zorder=1)
        if traffic > 0:
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, f"{traffic:.3g} Gbps", fontsize=7, color="#29506d",
                    ha="center", va="center", zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})


def _draw_regions(ax, plan: dict, context: ReportContext, pos):
    carbon = {n: context.facts(n).carbon_g_per_kwh for n in pos}
    known = [v for v in carbon.values() if v is not None]
    norm = Normalize(vmin=0.0, vmax=max(known + [1.0])) if known else None
    cmap = colormaps["RdYlGn_r"]
    regions = sorted(plan.get("regions", []), key=lambda r: r["name"])
    peak = max([float(r.get("compute_tflops") or 0.0) for r in regions] + [1e-12])
    for r in regions:
        x, y = pos[r["name"]]
        compute = float(r.get("compute_tflops") or 0.0)
        size = 60 + 1400 * math.sqrt(compute / peak) if compute > 0 else 40
        value = carbon[r["name"]]
        face = UNKNOWN if value is None or norm is None else cmap(norm(value))
        ax.scatter([x], [y], s=size, color=face, edgecolors="black" if r.get("open") else "#888888",
                   linewidths=1.2 if r.get("open") else 0.6, zorder=2)
        ax.annotate(r["name"], (x, y), xytext=(0, -9 - math.sqrt(size) / 2), textcoords="offset points",
                    ha="center", va="top", fontsize=8, zorder=5)
    return ScalarMappable(norm=norm, cmap=cmap) if norm is not None else None
