"""6. Sites: n[r,t] <= M[r,t] * open[r], with the smallest M we can prove valid.

M comes from, in order of preference (the least of those that apply):
- explicit caps: max_per_region, max_nodes, floor(power_cap / (pue*power));
- the demand bound: the type-t nodes that would host, alone, everything that
  may be placed in r (compute with u*H, storage, job parallelism). More
  nodes than that never lower a minimised objective, so the bound keeps an
  optimum -- unless something rewards nodes in r: a `require` whose row gets
  easier with more nodes there, or an objective that gains from nodes
  (maximize, or a negative coefficient). Such regions are "forced";
- for forced regions without caps, a large fallback BIG = max(1e6, 100 x
  the largest demand bound); the plan warns (S002) if a solution reaches it.
"""

from __future__ import annotations

import numpy as np

from suanli.solver.backups import backup_storage
from suanli.solver.columns import Columns
from suanli.solver.index import Index
from suanli.tolerances import SAME_REL

BIG_MIN = 1e6


def site_rows(rb, ix: Index, c: Columns, sense: str, obj, notes: list[str], tight: bool = True) -> None:
    site_n = np.flatnonzero(c.openmap[c.n_r] >= 0)
    if len(site_n) == 0:
        return
    m_cap = _cap_bound(ix, c)[site_n]
    m_dem = _demand_bound(ix, c)[site_n]
    forced = _forced_regions(rb, ix, c, sense, obj)[c.n_r[site_n]]
    big = max(BIG_MIN, 100.0 * float(m_dem.max(initial=0.0)))
    m = np.minimum(m_cap, np.where(forced, np.inf, m_dem)) if tight else np.full(len(site_n), np.inf)
    fallback = ~np.isfinite(m)
    m[fallback] = big
    k = len(site_n)
    rows = np.concatenate([np.arange(k), np.arange(k)])
    cols = np.concatenate([c.n0 + site_n, c.openmap[c.n_r[site_n]]])
    vals = np.concatenate([np.ones(k), -m])
    rb.add("site", rows, cols, vals, np.full(k, -np.inf), np.zeros(k),
           {"n": site_n, "r": c.n_r[site_n], "t": c.n_t[site_n]}, {"M": m, "fallback": fallback})


def _cap_bound(ix: Index, c: Columns) -> np.ndarray:
    per_power = ix.pue[c.n_r] * ix.t_power[c.n_t]
    by_power = np.floor(ix.power_cap[c.n_r] / per_power * (1 + SAME_REL))
    return np.minimum.reduce([ix.t_max_per_region[c.n_t], ix.max_nodes[c.n_r], by_power])


def _demand_bound(ix: Index, c: Columns) -> np.ndarray:
    p = ix.program
    H, u = p.settings.horizon, p.settings.utilization
    C = max(1, len(ix.class_ix))
    s_cls = np.array([ix.class_ix[s.cls] for s in p.services], dtype=np.int64)
    j_cls = np.array([ix.class_ix[j.cls] for j in p.jobs], dtype=np.int64)
    comp = np.array([s.compute for s in p.services], dtype=float)
    sto = np.array([s.storage for s in p.services], dtype=float)
    jsto = np.array([j.storage for j in p.jobs], dtype=float)
    work = np.zeros(c.R * C)
    if len(c.x_d):
        np.add.at(work, c.x_r * C + s_cls[c.x_d], comp[c.x_d] * H)
    if len(c.y_j):
        np.add.at(work, c.y_r * C + j_cls[c.y_j], c.y_consumed)
    store = np.zeros(c.R)
    np.add.at(store, c.x_r, sto[c.x_d] if len(c.x_d) else 0.0)
    np.add.at(store, c.y_r, jsto[c.y_j] if len(c.y_j) else 0.0)
    zr, _, zv = backup_storage(ix, c)  # §9: backup copies hold storage too
    np.add.at(store, zr, zv)
    par = np.zeros(c.R * c.T)
    np.maximum.at(par, c.y_r * c.T + c.y_t, c.y_nodes.astype(float))
    f, s = ix.t_compute[c.n_t], ix.t_storage[c.n_t]
    with np.errstate(divide="ignore", invalid="ignore"):
        by_work = np.where(f > 0, np.ceil(work[c.n_r * C + ix.t_class[c.n_t]] / (u * H * np.where(f > 0, f, 1))), 0)
        by_store = np.where(s > 0, np.ceil(store[c.n_r] / np.where(s > 0, s, 1)), 0)
    return np.maximum.reduce([by_work, by_store, par[c.n_r * c.T + c.n_t], _memory_bound(ix, c)])


def _forced_regions(rb, ix: Index, c: Columns, sense: str, obj) -> np.ndarray:
    """Regions where more nodes can help a require row or the objective."""
    forced = np.zeros(c.R, dtype=bool)
    ids, vals = obj
    on_n = ids < c.open0
    gain = vals[on_n] > 0 if sense == "maximize" else vals[on_n] < 0
    forced[c.n_r[ids[on_n][gain]]] = True
    for fam, fam_r, fam_c, fam_v, lb, ub in zip(rb.families, rb.r, rb.c, rb.v, rb.lb, rb.ub):
        if fam.kind != "require":
            continue
        pick = fam_c < c.open0
        if not pick.any():
            continue
        local, cols, v = fam_r[pick] - fam.start, fam_c[pick], fam_v[pick]
        helps = (np.isfinite(ub[local]) & (v < 0)) | (np.isfinite(lb[local]) & (v > 0))
        forced[c.n_r[cols[helps]]] = True
    return forced


# ---- §9 memory (kept apart from the bounds above) ---------------------------

def _memory_bound(ix: Index, c: Columns) -> np.ndarray:
    """Per n column: the type-t nodes whose memory alone holds all the memory
    that may be placed in r (demands' and jobs' memory rows, like storage)."""
    p = ix.program
    mem = np.array([s.memory for s in p.services], dtype=float)
    jmem = np.array([j.memory for j in p.jobs], dtype=float)
    need = np.zeros(c.R)
    np.add.at(need, c.x_r, mem[c.x_d] if len(c.x_d) else 0.0)
    np.add.at(need, c.y_r, jmem[c.y_j] if len(c.y_j) else 0.0)
    m = ix.t_memory[c.n_t]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m > 0, np.ceil(need[c.n_r] / np.where(m > 0, m, 1)), 0)
