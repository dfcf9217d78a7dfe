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
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class PathInfo:
    latency: Fraction
    cost: Fraction
    hops: tuple[str, ...]


def adjacency(links) -> dict[str, list[tuple[str, Fraction, Fraction]]]:
    adj: dict[str, list[tuple[str, Fraction, Fraction]]] = {}
    for link in links:
        a, b, lat, cost = link["a"], link["b"], link["latency"], link["transfer_cost"]
        if a is None or b is None or lat is None:
            continue
        adj.setdefault(a, []).append((b, lat, cost))
        adj.setdefault(b, []).append((a, lat, cost))
    return adj


def paths_from(origin: str, adj) -> dict[str, PathInfo]:
    settled: dict[str, PathInfo] = {}
    heap = [(Fraction(0), Fraction(0), (origin,))]
    while heap:
        latency, cost, hops = heapq.heappop(heap)
        here = hops[-1]
        if here in settled:
            continue
        settled[here] = PathInfo(latency, cost, hops)
        for there, lat, c in adj.get(here, ()):
            if there not in settled:
                heapq.heappush(heap, (latency + lat, cost + c, hops + (there,)))
    return settled


def compute_paths(origins, links) -> dict[str, dict[str, PathInfo]]:
    adj = adjacency(links)
    return {origin: paths_from(origin, adj) for origin in sorted(set(origins))}
