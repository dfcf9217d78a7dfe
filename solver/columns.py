"""Column layout of the MILP: n[r,t], open[r], x[d,r], y[j,r,t].

Built in bulk with numpy; the only Python loops run over services' allowed
region lists (to turn names into indices) and over jobs' options.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.solver.index import Index


@dataclass
class PairTables:
    """Per (origin, destination) region pair: transfer cost, latency and the
    directed edges of its path (CSR over pair id = o * R + d)."""

    kappa: np.ndarray  # [R*R] currency per B
    latency: np.ndarray  # [R*R] s
    edge_ptr: np.ndarray  # [R*R + 1]
    edge_ids: np.ndarray


def pair_tables(ix: Index) -> PairTables:
    R = len(ix.program.regions)
    kappa = np.zeros(R * R)
    latency = np.zeros(R * R)
    counts = np.zeros(R * R, dtype=np.int64)
    edge_lists: dict[int, tuple[int, ...]] = {}
    for (o, d), facts in ix.paths.items():
        if o == d or o not in ix.region_ix or d not in ix.region_ix:
            continue
        pid = ix.region_ix[o] * R + ix.region_ix[d]
        kappa[pid], latency[pid], counts[pid] = facts.cost, facts.latency, len(facts.edges)
        edge_lists[pid] = facts.edges
    edge_ptr = np.zeros(R * R + 1, dtype=np.int64)
    np.cumsum(counts, out=edge_ptr[1:])
    edge_ids = np.zeros(int(edge_ptr[-1]), dtype=np.int64)
    for pid, edges in edge_lists.items():
        edge_ids[edge_ptr[pid]:edge_ptr[pid + 1]] = edges
    return PairTables(kappa, latency, edge_ptr, edge_ids)


@dataclass
class Columns:
    R: int
    T: int
    n_r: np.ndarray
    n_t: np.ndarray
    nmap: np.ndarray  # [R, T] -> column of n[r,t] or -1
    open_r: np.ndarray
    openmap: np.ndarray  # [R] -> column of open[r] or -1
    x_d: np.ndarray
    x_r: np.ndarray
    x_pair: np.ndarray  # pair id (origin, r) or -1 without origin
    y_j: np.ndarray
    y_r: np.ndarray
    y_t: np.ndarray
    y_o: np.ndarray  # index of the job option
    y_pair: np.ndarray
    y_nodes: np.ndarray  # N_jt
    y_consumed: np.ndarray  # E_jt, FLOP

    @property
    def n0(self) -> int:
        return 0

    @property
    def open0(self) -> int:
        return len(self.n_r)

    @property
    def x0(self) -> int:
        return self.open0 + len(self.open_r)

    @property
    def y0(self) -> int:
        return self.x0 + len(self.x_d)

    @property
    def ncol(self) -> int:
        return self.y0 + len(self.y_j)


def build_columns(ix: Index) -> Columns:
    R, T = len(ix.program.regions), len(ix.program.node_types)
    n_r, n_t = np.nonzero(ix.buildable)
    nmap = -np.ones((R, T), dtype=np.int64)
    nmap[n_r, n_t] = np.arange(len(n_r))
    open_r = np.flatnonzero(ix.site_cost > 0)
    openmap = -np.ones(R, dtype=np.int64)
    openmap[open_r] = len(n_r) + np.arange(len(open_r))
    x_d, x_r, x_pair = _service_columns(ix)
    y = _job_columns(ix)
    return Columns(R, T, n_r.astype(np.int64), n_t.astype(np.int64), nmap, open_r, openmap,
                   x_d, x_r, x_pair, *y)


def _origin_array(items, ix: Index) -> np.ndarray:
    return np.array([ix.region_ix[s.origin] if s.origin is not None else -1 for s in items],
                    dtype=np.int64)


def _service_columns(ix: Index):
    """x[d,r] for allowed r, minus regions that cannot host d at all (no node
    type of its class with compute, or no storage): presolve, documented."""
    services = ix.program.services
    R = len(ix.program.regions)
    lengths = np.array([len(s.allowed_regions) for s in services], dtype=np.int64)
    x_r = np.array([ix.region_ix[r] for s in services for r in s.allowed_regions], dtype=np.int64)
    x_d = np.repeat(np.arange(len(services), dtype=np.int64), lengths)
    comp = np.array([s.compute for s in services], dtype=float)
    sto = np.array([s.storage for s in services], dtype=float)
    cls = np.array([ix.class_ix[s.cls] for s in services], dtype=np.int64)
    ok = np.ones(len(x_d), dtype=bool)
    if len(x_d):
        ok &= (comp[x_d] <= 0) | ix.has_class_compute[x_r, cls[x_d]]
        ok &= (sto[x_d] <= 0) | ix.has_storage[x_r]
    x_d, x_r = x_d[ok], x_r[ok]
    origin = _origin_array(services, ix)
    o = origin[x_d] if len(x_d) else np.zeros(0, dtype=np.int64)
    x_pair = np.where((o >= 0) & (o != x_r), o * R + x_r, -1)
    return x_d, x_r, x_pair


def _job_columns(ix: Index):
    R = len(ix.program.regions)
    rows = []
    for j, job in enumerate(ix.program.jobs):
        origin = ix.region_ix[job.origin] if job.origin is not None else -1
        for r_name in job.allowed_regions:
            r = ix.region_ix[r_name]
            if job.storage > 0 and not ix.has_storage[r]:
                continue
            for o, opt in enumerate(job.options):
                t = ix.type_ix[opt.node_type]
                if ix.buildable[r, t]:
                    pair = origin * R + r if origin >= 0 and origin != r else -1
                    rows.append((j, r, t, o, pair, opt.nodes, opt.consumed))
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, empty, empty, np.zeros(0)
    arr = np.array(rows, dtype=float)
    ints = [arr[:, k].astype(np.int64) for k in range(6)]
    return (*ints, arr[:, 6])
