"""Least-latency paths from every distinct origin at once (LANGUAGE.md §6 "Paths").

The contract orders paths by (total latency, total transfer cost, list of region
names), totals tying within 1e-9 relative (path_ties.py). Latencies and costs are
rationals; over their common denominators they are integers, and the pair
(latency, cost) is one integer key = latency * M + cost with M above any path's total
cost. While every key total stays below 2**53, float64 sums of those integers are
exact, so one scipy.sparse.csgraph.dijkstra over the keys orders paths by
(latency, cost) exactly.

That exact order is the contract's wherever no total comes within 1e-9 relative of
the least one without being equal to it (decimal inputs with a few digits never
do: their sums are equal or far apart). One vectorised pass over (origin, link)
finds the origins where some link into a region is such a near tie, in exact
integers; those origins are searched again by the reference (compute_paths), which
applies the tolerance. Everywhere else:

Names decide only where keys tie. A region v has a tie when more than one link
into it is tight (key(origin, u) + key(u, v) == key(origin, v)); only then are the
candidates' full name lists (the candidate's path plus v: a path that stops at the
origin is a prefix of one through another region, so v's name counts) compared,
regions taken in key order so that each candidate's own path is final. Every link
key is positive, so tight links form a DAG and the best path to v is the best path
to some tight predecessor plus v.

`fast_table` returns None when the exact-integer condition fails (huge
denominators) or a link has zero latency and zero cost; the caller then runs the
reference algorithm.
"""

from __future__ import annotations


import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from suanli.compiler.compute_paths import common_denominator, compute_paths, write_rows
from suanli.compiler.path_table import NONE, ROOT, PathTable
from suanli.compiler.path_ties import near_gap_bound

EXACT = 2 ** 53  # float64 holds every integer below this exactly
CHUNK = 1_600_000  # (origin, directed link) cells per vectorised tie check (cache-sized)


class Graph:
    """Regions (sorted), one undirected edge per linked pair with its least key."""

    def __init__(self, names, a, b, key, M, lat_den, cost_den):
        self.names, self.index = names, {n: i for i, n in enumerate(names)}
        self.a, self.b, self.key = a, b, key  # both directions: a -> b and b -> a
        self.M, self.lat_den, self.cost_den = M, lat_den, cost_den

    def matrix(self) -> csr_matrix:
        n = len(self.names)
        return csr_matrix((self.key, (self.a, self.b)), shape=(n, n))


def build_graph(origins, links) -> Graph | None:
    ends = [(l["a"], l["b"], l["latency"], l["transfer_cost"]) for l in links]
    usable = [e for e in ends if e[0] and e[1] and e[2] is not None and e[0] != e[1]]
    names = tuple(sorted({r for a, b, _, _ in usable for r in (a, b)} | set(origins)))
    index = {n: i for i, n in enumerate(names)}
    lats, costs = [e[2] for e in usable], [e[3] for e in usable]
    lat_den, cost_den = common_denominator(lats), common_denominator(costs)
    lat_int = [lat_den // v.denominator * v.numerator for v in lats]
    cost_int = [cost_den // v.denominator * v.numerator for v in costs]
    hops = max(len(names), 1)  # a simple path has fewer links; the tie check adds one more
    M = hops * max(cost_int, default=0) + 1  # above any such total cost
    if max(lat_den, cost_den) >= EXACT or (hops * max(lat_int, default=0) + 1) * M >= EXACT:
        return None
    key = np.array([l * M + c for l, c in zip(lat_int, cost_int)], dtype=np.int64)
    if key.size and (key.min() <= 0 or min(cost_int) < 0):
        return None  # a zero-weight (or, after an error, negative) link: leave it to the reference
    ia = np.array([index[e[0]] for e in usable], dtype=np.int64)
    ib = np.array([index[e[1]] for e in usable], dtype=np.int64)
    lo, hi, key = _least_per_pair(np.minimum(ia, ib), np.maximum(ia, ib), key)
    return Graph(names, np.concatenate([lo, hi]), np.concatenate([hi, lo]),
                 np.concatenate([key, key]).astype(np.float64), M, lat_den, cost_den)


def _least_per_pair(lo, hi, key):
    """Parallel links: the one with the least (latency, cost) key, as the reference's search uses."""
    order = np.lexsort((key, hi, lo))
    lo, hi, key = lo[order], hi[order], key[order]
    first = np.ones(lo.size, dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    return lo[first], hi[first], key[first]


def fast_table(origins, links) -> PathTable | None:
    origins = tuple(sorted(set(origins)))
    graph = build_graph(origins, links)
    if graph is None:
        return None
    rows = np.array([graph.index[o] for o in origins], dtype=np.int64)
    if rows.size == 0:
        return _table(graph, origins, np.zeros((0, len(graph.names))), np.zeros((0, len(graph.names)), np.int32))
    dist, pred = dijkstra(graph.matrix(), directed=True, indices=rows, return_predecessors=True)
    pred = np.where(np.isfinite(dist), pred, NONE).astype(np.int32)
    pred[np.arange(rows.size), rows] = ROOT
    ties, near = _scan(graph, dist)
    for k, tied in ties:
        if k not in near:
            _break_ties(graph, dist[k], pred[k], tied)
    table = _table(graph, origins, dist, pred)
    if near:  # totals within 1e-9 relative yet unequal: those origins take the reference search
        write_rows(table, compute_paths([origins[k] for k in sorted(near)], links))
    return table


def _scan(graph: Graph, dist: np.ndarray) -> tuple[list, set[int]]:
    """One pass over (origin, link), a block of origins at a time:
    - (origin row, {region: tight predecessors}) for each origin where some region has
      two or more tight links into it (exact ties of (latency, cost): names decide);
    - the rows where some link into a region comes within 1e-9 relative of its least
      latency (or, at equal latency, of its least cost) without being equal: there the
      exact order above is not the contract's, and the reference decides."""
    ties: list = []
    near: set[int] = set()
    n, edges = dist.shape[1], graph.key.size
    if edges == 0:
        return ties, near
    order = np.argsort(graph.b, kind="stable")  # links grouped by the region they enter
    a, b, key = graph.a[order], graph.b[order], graph.key[order]
    step = max(1, CHUNK // max(edges, n, 1))
    unreached = np.where(np.isfinite(dist), dist, np.nan)  # NaN == NaN is false: no tight link there
    for start in range(0, dist.shape[0], step):
        block = unreached[start:start + step]
        may_near = _may_near(block, key, graph.M)
        e = _maybe_tight(block, a, b, key, graph.M if may_near else 0)
        if e.size == 0:
            continue
        ea, eb, ke = a[e], b[e], key[e]
        if may_near:
            end = block[:, eb]
            slack = (block[:, ea] + ke) - end  # exact: integers below 2**53; NaN where unreached
            near.update(start + k for k in _near_rows(block, ea, eb, ke, slack, end, graph.M))
            tight = slack == 0
        else:
            tight = (block[:, ea] + ke) == block[:, eb]
        ties.extend((start + k, tied) for k, tied in _tied_rows(tight, ea, eb, n))
    return ties, near


def _tied_rows(tight: np.ndarray, ea, eb, n: int):
    """(row in block, {region: tight predecessors}) where a region has two or more tight links."""
    starts = np.flatnonzero(np.r_[True, eb[1:] != eb[:-1]])
    count = np.add.reduceat(tight, starts, axis=1, dtype=np.int32)  # [origin, entered region]
    for k in np.flatnonzero((count > 1).any(axis=1)).tolist():
        many = np.zeros(n, dtype=bool)
        many[eb[starts[count[k] > 1]]] = True
        tied: dict[int, list[int]] = {}
        pick = tight[k] & many[eb]
        for u, v in zip(ea[pick].tolist(), eb[pick].tolist()):
            tied.setdefault(v, []).append(u)
        yield k, tied


def _may_near(block: np.ndarray, key, M: int) -> bool:
    """Whether any candidate total of the block reaches 10**9 units (of latency or of cost):
    below that a gap of one unit is more than 1e-9 relative, so unequal totals never tie
    (sums of decimals with a few digits: the usual case, and the near test is skipped)."""
    whole = block[~np.isnan(block)].astype(np.int64)
    if whole.size == 0 or key.size == 0:
        return False
    link = key.astype(np.int64)
    latency = int((whole // M).max()) + int((link // M).max())
    cost = int((whole % M).max()) + int((link % M).max())
    return near_gap_bound(max(latency, cost)) >= 1


def _near_rows(block: np.ndarray, ea, eb, key, slack, end, M: int) -> set[int]:
    """Rows of the block with a near tie. A float window first: a near tie has
    0 < slack <= 1.0000001e-9 * end + 2M (latency part within 1e-9, the cost parts below M
    each); then, on the few cells inside it, the exact test in integers: latency part of a
    key = key // M, cost part = key % M; a gap g > 0 to the least total t ties when
    g <= t // 10**9 (for cost, only where the latencies are equal)."""
    rows, cols = np.nonzero((slack > 0) & (slack <= end * 2e-9 + 2.0 * M))
    if rows.size == 0:
        return set()
    u = block[rows, ea[cols]].astype(np.int64)
    v = block[rows, eb[cols]].astype(np.int64)
    link = key[cols].astype(np.int64)
    cand = u // M + link // M
    gap = cand - v // M
    near = (gap > 0) & (gap <= near_gap_bound(cand))
    cand = u % M + link % M
    cost_gap = cand - v % M
    near |= (gap == 0) & (cost_gap > 0) & (cost_gap <= near_gap_bound(cand))
    return set(rows[near].tolist())


def _maybe_tight(block: np.ndarray, a, b, key, M: int) -> np.ndarray:
    """Links (in b order) that can be tight for some origin of the block: a link whose least
    start plus its key exceeds the largest total at its end never is (in the
    facility-location shape, every customer -> facility link of a customer outside the
    block). With M > 0 also those that can be nearly tight (1e-9 relative): the end is
    widened by 2e-9 relative and two latency units (M each). NaN (unreached) compares
    false, so such links are kept, and fail the exact tests."""
    low, high = np.fmin.reduce(block, axis=0), np.fmax.reduce(block, axis=0)
    if M:
        high = high * (1 + 2e-9) + 2.0 * M
    return np.flatnonzero(~(low[a] + key > high[b]))


def _break_ties(graph: Graph, dist: np.ndarray, pred: np.ndarray, tied: dict[int, list[int]]) -> None:
    """Choose, for each tied region in key order, the candidate with the smallest name list."""
    names = graph.names
    for v in sorted(tied, key=lambda r: dist[r]):
        pred[v] = min(tied[v], key=lambda u: _hops(u, pred, names) + (names[v],))


def _hops(i: int, pred: np.ndarray, names) -> tuple[str, ...]:
    out = [names[i]]
    while pred[i] >= 0:
        i = int(pred[i])
        out.append(names[i])
    return tuple(reversed(out))


def _table(graph: Graph, origins, dist: np.ndarray, pred: np.ndarray) -> PathTable:
    """Totals back from the key: latency = key // M over lat_den, cost = key % M over cost_den;
    both integers are below 2**53, so the float division is the correctly rounded value
    `float(Fraction(...))` gives."""
    reach = pred != NONE
    key = np.where(reach, dist, 0).astype(np.int64)
    lat_key, cost_key = key // graph.M, key % graph.M
    latency = np.where(reach, lat_key / graph.lat_den, np.inf)
    cost = np.where(reach, cost_key / graph.cost_den, np.inf)
    return PathTable(graph.names, origins, pred, latency, cost, lat_key, graph.lat_den)
