"""Pass: least-latency paths between regions (LANGUAGE.md §6 "Paths").

`path_table` is what the compiler uses: vectorised shortest paths from the distinct
origins (scipy.sparse.csgraph) in exact integer arithmetic, names compared only where
two paths tie; see fast_paths.py. `compute_paths` below is the reference it must agree
with, and the fallback when the integers would not be exact in floats.

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


def find_paths(state, diags):
    """Pass: the PathTable of every origin a demand or job names (what allowed regions
    read, and the IR's `paths`, a lazy sequence of ir.Path)."""
    world = state.world
    origins = [w["origin"] for w in (*world.demands.values(), *world.jobs.values()) if w["origin"]]
    state.paths = path_table(origins, world.links)
    return state


def path_table(origins, links):
    """All paths from the distinct origins as a PathTable (fast when exact in floats)."""
    from suanli.compiler.fast_paths import fast_table
    table = fast_table(origins, links)
    return table if table is not None else table_from_exact(origins, links)


def table_from_exact(origins, links):
    """The PathTable of the reference algorithm (label-setting per origin, exact rationals)."""
    import numpy as np
    from suanli.compiler.path_table import NONE, ROOT, PathTable
    exact = compute_paths(origins, links)
    names = tuple(sorted({r for l in links if l["a"] and l["b"] and l["latency"] is not None
                          and l["a"] != l["b"] for r in (l["a"], l["b"])} | set(exact)))
    index = {n: i for i, n in enumerate(names)}
    _, lat_den, _ = adjacency(links)
    shape = (len(exact), len(names))
    pred, lat_key = np.full(shape, NONE, dtype=np.int32), np.zeros(shape, dtype=object)
    latency, cost = np.full(shape, np.inf), np.full(shape, np.inf)
    for k, origin in enumerate(sorted(exact)):
        for dest, info in exact[origin].items():
            i = index[dest]
            pred[k, i] = ROOT if len(info.hops) == 1 else index[info.hops[-2]]
            latency[k, i], cost[k, i] = float(info.latency), float(info.cost)
            lat_key[k, i] = int(info.latency * lat_den)
    return PathTable(names, tuple(sorted(exact)), pred, latency, cost, lat_key, lat_den)
