"""Pass 5: least-latency paths between regions (LANGUAGE.md §6 "Paths").

For each origin, a label-setting search ordered by (total latency, total
transfer cost, list of region names along the path). Sums are exact
rationals, so decimal inputs such as 0.003 + 0.009 and 0.005 + 0.007 tie
exactly; the tie-break order is then transfer cost, then the names list
compared element by element by Unicode code point. Extending two paths by the
same edge keeps their order, so the first label to settle a region is its path.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class PathInfo:
    latency: Fraction
    cost: Fraction
    hops: tuple[str, ...]


def _common_denominator(values) -> int:
    den = 1
    for value in values:
        den = math.lcm(den, value.denominator)
    return den


def adjacency(links):
    """Adjacency with latencies and costs as exact integers over common denominators
    (comparing ints is ~20x faster than comparing Fractions, and just as exact)."""
    usable = [l for l in links if l["a"] and l["b"] and l["latency"] is not None]
    lat_den = _common_denominator(l["latency"] for l in usable)
    cost_den = _common_denominator(l["transfer_cost"] for l in usable)
    adj: dict[str, list[tuple[str, int, int]]] = {}
    for link in usable:
        lat = int(link["latency"] * lat_den)
        cost = int(link["transfer_cost"] * cost_den)
        adj.setdefault(link["a"], []).append((link["b"], lat, cost))
        adj.setdefault(link["b"], []).append((link["a"], lat, cost))
    return adj, lat_den, cost_den


def paths_from(origin: str, adj, lat_den: int = 1, cost_den: int = 1) -> dict[str, PathInfo]:
    settled: dict[str, PathInfo] = {}
    heap = [(0, 0, (origin,))]
    while heap:
        latency, cost, hops = heapq.heappop(heap)
        here = hops[-1]
        if here in settled:
            continue
        settled[here] = PathInfo(Fraction(latency, lat_den), Fraction(cost, cost_den), hops)
        for there, lat, c in adj.get(here, ()):
            if there not in settled:
                heapq.heappush(heap, (latency + lat, cost + c, hops + (there,)))
    return settled


def compute_paths(origins, links) -> dict[str, dict[str, PathInfo]]:
    adj, lat_den, cost_den = adjacency(links)
    return {origin: paths_from(origin, adj, lat_den, cost_den) for origin in sorted(set(origins))}
