"""Pass: least-latency paths between regions (LANGUAGE.md §6 "Paths").

`path_table` is what the compiler uses: vectorised shortest paths from the distinct
origins (scipy.sparse.csgraph) in exact integer arithmetic, names compared only where
two paths tie; see fast_paths.py. `compute_paths` below is the reference it must agree
with, and the fallback when the integers would not be exact in floats (and, per origin,
where totals come within 1e-9 relative without being equal).

For each origin, a label-setting search: regions are settled in order of their best
candidate (total latency, total transfer cost, names), and a region's path extends the
path of one of its already-settled neighbours. Among those candidates, the ones whose
total latency ties with the least (within 1e-9 relative, path_ties.py) compete on
transfer cost; those whose cost ties with the least of them on the list of region
names, compared element by element by Unicode code point. Sums are exact (integers over
common denominators), so decimal inputs such as 0.003 + 0.009 and 0.005 + 0.007 are
equal, and the tolerance is applied exactly. Parallel links between two regions count
once: the one with the lower (latency, transfer cost).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from suanli.compiler.path_ties import ties_with_least


@dataclass(frozen=True)
class PathInfo:
    latency: Fraction
    cost: Fraction
    hops: tuple[str, ...]


def common_denominator(values) -> int:
    den = 1
    for value in values:
        den = math.lcm(den, value.denominator)
    return den


def adjacency(links):
    """Adjacency with latencies and costs as exact integers over common denominators
    (comparing ints is ~20x faster than comparing Fractions, and just as exact); one
    link per pair of regions, the least (latency, cost) of parallel ones."""
    usable = [l for l in links if l["a"] and l["b"] and l["latency"] is not None]
    lat_den = common_denominator(l["latency"] for l in usable)
    cost_den = common_denominator(l["transfer_cost"] for l in usable)
    least: dict[tuple[str, str], tuple[int, int]] = {}
    for link in usable:
        pair = tuple(sorted((link["a"], link["b"])))
        weight = (int(link["latency"] * lat_den), int(link["transfer_cost"] * cost_den))
        if pair[0] != pair[1] and (pair not in least or weight < least[pair]):
            least[pair] = weight
    adj: dict[str, list[tuple[str, int, int]]] = {}
    for (a, b), (lat, cost) in least.items():
        adj.setdefault(a, []).append((b, lat, cost))
        adj.setdefault(b, []).append((a, lat, cost))
    return adj, lat_den, cost_den


def paths_from(origin: str, adj, lat_den: int = 1, cost_den: int = 1) -> dict[str, PathInfo]:
    best: dict[str, tuple[int, int, tuple[str, ...]]] = {}
    heap = [(0, 0, (origin,))]
    while heap:
        _, _, hops = heapq.heappop(heap)
        here = hops[-1]
        if here in best:
            continue
        label = best[here] = (0, 0, hops) if here == origin else _choose(here, adj, best)
        latency, cost, path = label
        for there, lat, c in adj.get(here, ()):
            if there not in best:
                heapq.heappush(heap, (latency + lat, cost + c, path + (there,)))
    return {r: PathInfo(Fraction(l, lat_den), Fraction(c, cost_den), h) for r, (l, c, h) in best.items()}


def _choose(here: str, adj, best) -> tuple[int, int, tuple[str, ...]]:
    """The path to `here`: through a settled neighbour, latency tied with the least
    (1e-9 relative), then cost tied with the least of those, then the smallest names."""
    options = [(best[u][0] + lat, best[u][1] + c, best[u][2] + (here,))
               for u, lat, c in adj[here] if u in best]
    least = min(o[0] for o in options)
    options = [o for o in options if ties_with_least(o[0], least)]
    cheapest = min(o[1] for o in options)
    return min((o for o in options if ties_with_least(o[1], cheapest)), key=lambda o: o[2])


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
    from suanli.compiler.path_table import NONE, PathTable
    exact = compute_paths(origins, links)
    names = tuple(sorted({r for l in links if l["a"] and l["b"] and l["latency"] is not None
                          and l["a"] != l["b"] for r in (l["a"], l["b"])} | set(exact)))
    _, lat_den, _ = adjacency(links)
    shape = (len(exact), len(names))
    pred, lat_key = np.full(shape, NONE, dtype=np.int32), np.zeros(shape, dtype=object)
    latency, cost = np.full(shape, np.inf), np.full(shape, np.inf)
    table = PathTable(names, tuple(sorted(exact)), pred, latency, cost, lat_key, lat_den)
    write_rows(table, exact)
    return table


def write_rows(table, exact: dict[str, dict[str, PathInfo]]) -> None:
    """Store the reference's paths from each origin of `exact` in its row of `table`
    (every latency is a whole number of 1/table.lat_den: a sum of link latencies)."""
    from suanli.compiler.path_table import NONE, ROOT
    index = table.index
    for origin, found in exact.items():
        k = table.row[origin]
        table.pred[k], table.latency[k], table.cost[k], table.lat_key[k] = NONE, np.inf, np.inf, 0
        for dest, info in found.items():
            i = index[dest]
            table.pred[k, i] = ROOT if len(info.hops) == 1 else index[info.hops[-2]]
            table.latency[k, i], table.cost[k, i] = float(info.latency), float(info.cost)
            table.lat_key[k, i] = int(info.latency * table.lat_den)
