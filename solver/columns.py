"""Column layout of the MILP: n[r,t], open[r], x[d,r], y[j,r,t].

Built in bulk with numpy; the only Python loops run over services' allowed
region lists (to turn names into indices) and over jobs' options.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from suanli.solver.families.backups import backup_columns
from suanli.solver.index import Index


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
    z_d: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # backups (§9)
    z_r: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    # the column blocks in order: n, open, x, y, z; each starts where the ones before end
    _BLOCKS = ("n_r", "open_r", "x_d", "y_j", "z_d")

    def _start(self, block: int) -> int:
        return sum(len(getattr(self, name)) for name in self._BLOCKS[:block])

    n0 = property(lambda self: 0)
    open0 = property(lambda self: self._start(1))
    x0 = property(lambda self: self._start(2))
    y0 = property(lambda self: self._start(3))
    z0 = property(lambda self: self._start(4))
    ncol = property(lambda self: self._start(5))


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
    z_d, z_r = backup_columns(ix)
    return Columns(R, T, n_r.astype(np.int64), n_t.astype(np.int64), nmap, open_r, openmap,
                   x_d, x_r, x_pair, *y, z_d, z_r)


def memory_hosts(ix: Index, items, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Presolve (§9): a demand or job with memory > 0 only where a type with memory may be built."""
    mem = np.array([w.memory for w in items], dtype=float)
    return (mem[k] <= 0) | ix.has_memory[r] if len(k) else np.ones(0, dtype=bool)


def _origin_array(items, ix: Index) -> np.ndarray:
    return np.array([ix.region_ix[s.origin] if s.origin is not None else -1 for s in items],
                    dtype=np.int64)


def _region_indices(ix: Index, lists) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated region indices of name lists, and each list's length.
    Entities often share one allowed-regions tuple: each distinct one is
    looked up once."""
    cache: dict = {}
    parts = []
    for names in lists:
        arr = cache.get(names)
        if arr is None:
            arr = cache[names] = np.array([ix.region_ix[r] for r in names], dtype=np.int64)
        parts.append(arr)
    lengths = np.array([len(p) for p in parts], dtype=np.int64)
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return flat, lengths


def _service_columns(ix: Index):
    """x[d,r] for allowed r, minus regions that cannot host d at all (no node
    type of its class with compute, or no storage): presolve, documented."""
    services = ix.program.services
    R = len(ix.program.regions)
    x_r, lengths = _region_indices(ix, (s.allowed_regions for s in services))
    x_d = np.repeat(np.arange(len(services), dtype=np.int64), lengths)
    comp = np.array([s.compute for s in services], dtype=float)
    sto = np.array([s.storage for s in services], dtype=float)
    cls = np.array([ix.class_ix[s.cls] for s in services], dtype=np.int64)
    ok = np.ones(len(x_d), dtype=bool)
    if len(x_d):
        ok &= (comp[x_d] <= 0) | ix.has_class_compute[x_r, cls[x_d]]
        ok &= (sto[x_d] <= 0) | ix.has_storage[x_r]
        ok &= memory_hosts(ix, services, x_d, x_r)
    x_d, x_r = x_d[ok], x_r[ok]
    origin = _origin_array(services, ix)
    o = origin[x_d] if len(x_d) else np.zeros(0, dtype=np.int64)
    x_pair = np.where((o >= 0) & (o != x_r), o * R + x_r, -1)
    return x_d, x_r, x_pair


def _job_columns(ix: Index):
    """y[j,r,t]: per job, its allowed regions in order (without storage where
    it needs some), each crossed with its options in order, where buildable."""
    jobs = ix.program.jobs
    R = len(ix.program.regions)
    a_r, a_len = _region_indices(ix, (job.allowed_regions for job in jobs))
    a_j = np.repeat(np.arange(len(jobs), dtype=np.int64), a_len)
    jsto = np.array([job.storage for job in jobs], dtype=float)
    if len(a_j):
        keep = ((jsto[a_j] <= 0) | ix.has_storage[a_r]) & memory_hosts(ix, jobs, a_j, a_r)
        a_j, a_r = a_j[keep], a_r[keep]
    o_len = np.array([len(job.options) for job in jobs], dtype=np.int64)
    o_ptr = np.zeros(len(jobs) + 1, dtype=np.int64)
    np.cumsum(o_len, out=o_ptr[1:])
    opts = [o for job in jobs for o in job.options]
    o_t = np.array([ix.type_ix[o.node_type] for o in opts], dtype=np.int64)
    o_nodes = np.array([o.nodes for o in opts], dtype=float)
    o_consumed = np.array([o.consumed for o in opts], dtype=float)
    counts = o_len[a_j] if len(a_j) else np.zeros(0, dtype=np.int64)
    pair_of = np.repeat(np.arange(len(a_j), dtype=np.int64), counts)
    within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    g = o_ptr[a_j[pair_of]] + within  # the option, in the job's own order
    y_j, y_r, y_t = a_j[pair_of], a_r[pair_of], o_t[g]
    ok = ix.buildable[y_r, y_t] if len(g) else np.zeros(0, dtype=bool)
    y_j, y_r, y_t, g = y_j[ok], y_r[ok], y_t[ok], g[ok]
    origin = _origin_array(jobs, ix)[y_j] if len(y_j) else np.zeros(0, dtype=np.int64)
    y_pair = np.where((origin >= 0) & (origin != y_r), origin * R + y_r, -1)
    y_o = g - o_ptr[y_j]
    return y_j, y_r, y_t, y_o, y_pair, o_nodes[g].astype(np.int64), o_consumed[g]
