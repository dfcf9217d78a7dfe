"""Constraint families of LANGUAGE.md §6, each built in bulk from the columns.

Every function appends one family to a RowBuilder: coefficient triplets in
SI units (scaling happens once, in lower.py), row bounds and the keys that
map each row back to spec names.
"""

from __future__ import annotations

import numpy as np

from suanli.solver.backups import backup_storage
from suanli.solver.columns import Columns, PairTables
from suanli.solver.index import Index
from suanli.solver.sparse import Family

INF = np.inf


class RowBuilder:
    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.families: list[Family] = []
        self.n = 0

    def add(self, kind: str, rows, cols, vals, lb, ub, keys=None, meta=None) -> None:
        lb, ub = np.asarray(lb, dtype=float), np.asarray(ub, dtype=float)
        count = len(lb)
        if count == 0:
            return
        self.r.append(np.asarray(rows, dtype=np.int64) + self.n)
        self.c.append(np.asarray(cols, dtype=np.int64))
        self.v.append(np.asarray(vals, dtype=float))
        self.lb.append(lb)
        self.ub.append(ub)
        self.families.append(Family(kind, self.n, self.n + count, keys or {}, meta or {}))
        self.n += count

    def arrays(self):
        cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dtype=dt)
        return (cat(self.r, np.int64), cat(self.c, np.int64), cat(self.v, float),
                cat(self.lb, float), cat(self.ub, float))


def served_rows(rb: RowBuilder, ix: Index, c: Columns) -> None:
    """1. Each service fully served; each job runs once."""
    S, J = len(ix.program.services), len(ix.program.jobs)
    rb.add("served", c.x_d, c.x0 + np.arange(len(c.x_d)), np.ones(len(c.x_d)),
           np.ones(S), np.ones(S), {"d": np.arange(S)})
    rb.add("runs", c.y_j, c.y0 + np.arange(len(c.y_j)), np.ones(len(c.y_j)),
           np.ones(J), np.ones(J), {"j": np.arange(J)})


def _keyed_rows(rb, kind, dem_keys, dem_cols, dem_vals, cap_keys, cap_cols, cap_vals, split):
    """Rows `demand(key) - capacity(key) <= 0`, one per key that has demand."""
    uniq = np.unique(dem_keys)
    if len(uniq) == 0:
        return
    dem_rows = np.searchsorted(uniq, dem_keys)
    pos = np.searchsorted(uniq, cap_keys)
    hit = pos < len(uniq)
    hit[hit] = uniq[pos[hit]] == cap_keys[hit]
    rows = np.concatenate([dem_rows, pos[hit]])
    cols = np.concatenate([dem_cols, cap_cols[hit]])
    vals = np.concatenate([dem_vals, cap_vals[hit]])
    keys = split(uniq)
    rb.add(kind, rows, cols, vals, np.full(len(uniq), -INF), np.zeros(len(uniq)), keys)


def compute_rows(rb: RowBuilder, ix: Index, c: Columns) -> None:
    """2. Compute work per region and class over the horizon, u*H*f*n."""
    p = ix.program
    H, u, C = p.settings.horizon, p.settings.utilization, max(1, len(ix.class_ix))
    comp = np.array([s.compute for s in p.services], dtype=float)
    s_cls = np.array([ix.class_ix[s.cls] for s in p.services], dtype=np.int64)
    j_cls = np.array([ix.class_ix[j.cls] for j in p.jobs], dtype=np.int64)
    xs = np.flatnonzero(comp[c.x_d] > 0) if len(c.x_d) else np.zeros(0, dtype=np.int64)
    ys = np.flatnonzero(c.y_consumed > 0)
    dem_keys = np.concatenate([c.x_r[xs] * C + s_cls[c.x_d[xs]], c.y_r[ys] * C + j_cls[c.y_j[ys]]])
    dem_cols = np.concatenate([c.x0 + xs, c.y0 + ys])
    dem_vals = np.concatenate([comp[c.x_d[xs]] * H, c.y_consumed[ys]])
    f = ix.t_compute[c.n_t]
    ns = np.flatnonzero(f > 0)
    _keyed_rows(rb, "compute", dem_keys, dem_cols, dem_vals,
                c.n_r[ns] * C + ix.t_class[c.n_t[ns]], c.n0 + ns, -u * H * f[ns],
                lambda k: {"r": k // C, "c": k % C})


def parallel_rows(rb: RowBuilder, ix: Index, c: Columns) -> None:
    """3. n[r,t] >= N_jt * y[j,r,t], one row per job placement column."""
    k = len(c.y_j)
    rows = np.concatenate([np.arange(k), np.arange(k)])
    cols = np.concatenate([c.nmap[c.y_r, c.y_t], c.y0 + np.arange(k)])
    vals = np.concatenate([np.ones(k), -c.y_nodes.astype(float)])
    rb.add("parallel", rows, cols, vals, np.zeros(k), np.full(k, INF), {"y": np.arange(k), "j": c.y_j, "r": c.y_r, "t": c.y_t})


def storage_rows(rb: RowBuilder, ix: Index, c: Columns) -> None:
    """4. Storage per region."""
    p = ix.program
    sto = np.array([s.storage for s in p.services], dtype=float)
    jsto = np.array([j.storage for j in p.jobs], dtype=float)
    xs = np.flatnonzero(sto[c.x_d] > 0) if len(c.x_d) else np.zeros(0, dtype=np.int64)
    ys = np.flatnonzero(jsto[c.y_j] > 0) if len(c.y_j) else np.zeros(0, dtype=np.int64)
    s_t = ix.t_storage[c.n_t]
    ns = np.flatnonzero(s_t > 0)
    zr, zc, zv = backup_storage(ix, c)  # §9: each backup copy holds the demand's storage
    _keyed_rows(rb, "storage", np.concatenate([c.x_r[xs], c.y_r[ys], zr]),
                np.concatenate([c.x0 + xs, c.y0 + ys, zc]),
                np.concatenate([sto[c.x_d[xs]], jsto[c.y_j[ys]], zv]),
                c.n_r[ns], c.n0 + ns, -s_t[ns], lambda k: {"r": k})


def memory_rows(rb: RowBuilder, ix: Index, c: Columns) -> None:
    """§9: memory per region, like storage (4): demands' and jobs' memory <= installed."""
    p = ix.program
    mem = np.array([s.memory for s in p.services], dtype=float)
    jmem = np.array([j.memory for j in p.jobs], dtype=float)
    xs = np.flatnonzero(mem[c.x_d] > 0) if len(c.x_d) else np.zeros(0, dtype=np.int64)
    ys = np.flatnonzero(jmem[c.y_j] > 0) if len(c.y_j) else np.zeros(0, dtype=np.int64)
    m_t = ix.t_memory[c.n_t]
    ns = np.flatnonzero(m_t > 0)
    _keyed_rows(rb, "memory", np.concatenate([c.x_r[xs], c.y_r[ys]]),
                np.concatenate([c.x0 + xs, c.y0 + ys]),
                np.concatenate([mem[c.x_d[xs]], jmem[c.y_j[ys]]]),
                c.n_r[ns], c.n0 + ns, -m_t[ns], lambda k: {"r": k})


def _region_sum_rows(rb, kind, c: Columns, caps: np.ndarray, coef: np.ndarray) -> None:
    regions = np.flatnonzero(np.isfinite(caps))
    regions = regions[np.isin(regions, c.n_r)]
    if len(regions) == 0:
        return
    row_of_region = -np.ones(c.R, dtype=np.int64)
    row_of_region[regions] = np.arange(len(regions))
    ns = np.flatnonzero(row_of_region[c.n_r] >= 0)
    rb.add(kind, row_of_region[c.n_r[ns]], c.n0 + ns, coef[ns],
           np.full(len(regions), -INF), caps[regions], {"r": regions})


def cap_rows(rb: RowBuilder, ix: Index, c: Columns) -> None:
    """5. Power cap (PUE included) and node count per region."""
    _region_sum_rows(rb, "power", c, ix.power_cap, ix.pue[c.n_r] * ix.t_power[c.n_t])
    _region_sum_rows(rb, "nodes", c, ix.max_nodes, np.ones(len(c.n_r)))


def _limited_paths(pairs: PairTables, limited: np.ndarray):
    """The pairs' edge lists (CSR) with only bandwidth-limited edges, in path order."""
    keep = limited[pairs.edge_ids]
    kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    return kept_before[pairs.edge_ptr], pairs.edge_ids[keep]


def _expand_edges(pair_ids: np.ndarray, ptr: np.ndarray, edge_ids: np.ndarray):
    """For each entry's path, one (entry, directed edge) per hop."""
    starts = ptr[pair_ids]
    counts = ptr[pair_ids + 1] - starts
    entry = np.repeat(np.arange(len(pair_ids)), counts)
    pos = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    pos += np.arange(len(pos))
    return entry, edge_ids[pos]


def bandwidth_rows(rb: RowBuilder, ix: Index, c: Columns, pairs: PairTables) -> None:
    """7. Traffic per link direction: services' traffic, jobs' data/deadline."""
    p = ix.program
    bw = ix.edge_bandwidth
    limited = np.isfinite(bw)
    if not limited.any():
        return
    ptr, edge_ids = _limited_paths(pairs, limited)
    traffic = np.array([s.traffic for s in p.services], dtype=float)
    rate = np.array([j.data / j.deadline for j in p.jobs], dtype=float)
    xs = np.flatnonzero((c.x_pair >= 0) & (traffic[c.x_d] > 0)) if len(c.x_d) else np.zeros(0, dtype=np.int64)
    ys = np.flatnonzero((c.y_pair >= 0) & (rate[c.y_j] > 0)) if len(c.y_j) else np.zeros(0, dtype=np.int64)
    ex, edx = _expand_edges(c.x_pair[xs], ptr, edge_ids)
    ey, edy = _expand_edges(c.y_pair[ys], ptr, edge_ids)
    edges = np.concatenate([edx, edy])
    if len(edges) == 0:
        return
    xe, ye = xs[ex], ys[ey]
    cols = np.concatenate([c.x0 + xe, c.y0 + ye])
    vals = np.concatenate([traffic[c.x_d[xe]], rate[c.y_j[ye]]])
    used = np.flatnonzero(np.bincount(edges, minlength=len(bw)))
    row_of_edge = -np.ones(len(bw), dtype=np.int64)
    row_of_edge[used] = np.arange(len(used))
    rb.add("bandwidth", row_of_edge[edges], cols, vals,
           np.full(len(used), -INF), bw[used], {"e": used})
