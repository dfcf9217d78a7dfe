"""Per (origin, destination) region pair: the path's transfer cost, latency and directed
edges, as arrays (CSR over pair id = origin * R + destination).

Read straight from the compiler's PathTable (compiler/path_table.py): its predecessor
rows give every path as a tree walk, done here for all pairs at once with numpy, one
level per step (work = the total number of hops). A link-heavy spec has ~1.1 million
pairs; building a `Path` object per pair, as reading `Program.paths` as a sequence does,
took minutes. A program whose paths are a plain tuple of `Path` (built by hand or read
back from JSON) goes through the objects, as before.

Both lowering (columns.py) and the independent checks (evaluate.py, verify.py, through
`Index.path`) read these tables: they are bookkeeping of the IR's paths (compile output),
not a formula of the program.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from suanli.compiler.path_table import NONE, PathTable

if TYPE_CHECKING:
    from suanli.solver.index import Index


@dataclass
class PairTables:
    """Per (origin, destination) region pair: transfer cost, latency and the
    directed edges of its path (CSR over pair id = o * R + d)."""

    kappa: np.ndarray  # [R*R] currency per B
    latency: np.ndarray  # [R*R] s
    edge_ptr: np.ndarray  # [R*R + 1]
    edge_ids: np.ndarray
    reached: np.ndarray | None = None  # [R*R] the IR has a path for the pair (origin != destination)


def pair_tables(ix: Index) -> PairTables:
    paths = ix.program.paths
    if isinstance(paths, PathTable):
        return _from_table(ix, paths)
    return _from_paths(ix, paths)


def _from_paths(ix: Index, paths) -> PairTables:
    R = len(ix.program.regions)
    kappa, latency = np.zeros(R * R), np.zeros(R * R)
    counts, reached = np.zeros(R * R, dtype=np.int64), np.zeros(R * R, dtype=bool)
    edge_lists: dict[int, list[int]] = {}
    for path in paths:
        o, d = path.origin, path.dest
        if o == d or o not in ix.region_ix or d not in ix.region_ix:
            continue
        pid = ix.region_ix[o] * R + ix.region_ix[d]
        edges = [ix.edge_of[(path.hops[i], path.hops[i + 1])] for i in range(len(path.hops) - 1)]
        kappa[pid], latency[pid], counts[pid] = path.transfer_cost, path.latency, len(edges)
        reached[pid], edge_lists[pid] = True, edges
    edge_ptr = np.zeros(R * R + 1, dtype=np.int64)
    np.cumsum(counts, out=edge_ptr[1:])
    edge_ids = np.zeros(int(edge_ptr[-1]), dtype=np.int64)
    for pid, edges in edge_lists.items():
        edge_ids[edge_ptr[pid]:edge_ptr[pid + 1]] = edges
    return PairTables(kappa, latency, edge_ptr, edge_ids, reached)


def _from_table(ix: Index, table: PathTable) -> PairTables:
    R = len(ix.program.regions)
    region_of = np.array([ix.region_ix.get(n, -1) for n in table.names], dtype=np.int64)
    origin_of = np.array([ix.region_ix.get(o, -1) for o in table.origins], dtype=np.int64)
    k, i = np.nonzero(table.pred != NONE)  # every path of the table: origin row, destination
    o_r, d_r = origin_of[k], region_of[i]
    keep = (o_r >= 0) & (d_r >= 0) & (o_r != d_r)
    k, i, pid = k[keep], i[keep], o_r[keep] * R + d_r[keep]
    kappa, latency, reached = np.zeros(R * R), np.zeros(R * R), np.zeros(R * R, dtype=bool)
    kappa[pid], latency[pid], reached[pid] = table.cost[k, i], table.latency[k, i], True
    pred = table.pred
    depth = _depths(pred, k, i)
    counts = np.zeros(R * R, dtype=np.int64)
    counts[pid] = depth
    edge_ptr = np.zeros(R * R + 1, dtype=np.int64)
    np.cumsum(counts, out=edge_ptr[1:])
    edge_ids = np.zeros(int(edge_ptr[-1]), dtype=np.int64)
    edge_code = _EdgeCodes(ix, R)
    pos, here, live = edge_ptr[pid] + depth - 1, i.copy(), np.arange(k.size)
    while live.size:  # one hop back per step, from the destination to the origin
        parent = pred[k[live], here[live]].astype(np.int64)
        edge_ids[pos[live]] = edge_code.of(region_of[parent], region_of[here[live]])
        pos[live] -= 1
        here[live] = parent
        live = live[pred[k[live], parent] >= 0]  # the parent is not the origin: one more hop
    return PairTables(kappa, latency, edge_ptr, edge_ids, reached)


def _depths(pred: np.ndarray, k: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Hops of the path from origin row k to region i (i is not the origin)."""
    depth = np.zeros(k.size, dtype=np.int64)
    here, live = i.astype(np.int64), np.arange(k.size)
    while live.size:
        depth[live] += 1
        here[live] = pred[k[live], here[live]]
        live = live[pred[k[live], here[live]] >= 0]
    return depth


class _EdgeCodes:
    """The directed edge a path uses from region u to region v, looked up for arrays of
    (u, v) by binary search over the codes u * R + v. Edge 2k is link k as declared (a -> b),
    2k + 1 is b -> a (Index.edges); of parallel links, the least (latency, transfer cost,
    k), as Index.edge_of (built here with numpy: a Python dict over 200,000 edges took
    seconds)."""

    def __init__(self, ix: Index, R: int):
        links = ix.program.links
        a = np.array([ix.region_ix[link.a] for link in links], dtype=np.int64)
        b = np.array([ix.region_ix[link.b] for link in links], dtype=np.int64)
        lat = np.array([link.latency for link in links], dtype=float)
        cost = np.array([link.transfer_cost for link in links], dtype=float)
        k = np.arange(len(links), dtype=np.int64)
        codes = np.concatenate([a * R + b, b * R + a])
        edges = np.concatenate([2 * k, 2 * k + 1])
        k2, lat2, cost2 = np.concatenate([k, k]), np.concatenate([lat, lat]), np.concatenate([cost, cost])
        order = np.lexsort((edges, k2, cost2, lat2, codes))
        codes, edges = codes[order], edges[order]
        first = np.r_[True, codes[1:] != codes[:-1]] if codes.size else np.zeros(0, dtype=bool)
        self.codes, self.edges, self.R = codes[first], edges[first], R

    def of(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        code = u * self.R + v
        at = np.minimum(np.searchsorted(self.codes, code), max(self.codes.size - 1, 0))
        if code.size and not np.array_equal(self.codes[at], code):
            raise KeyError("a path uses a hop with no link")  # an inconsistent IR
        return self.edges[at]
