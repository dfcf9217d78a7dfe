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

A multi-year program (§8) has two rows per (r, t, year) of a region with a
site cost (`years` below).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from suanli.solver.families.backups import backup_storage
from suanli.solver.families.base import ConstraintFamily, RowKind, Whole, Years
from suanli.solver.families.requires import REQUIRE

if TYPE_CHECKING:
    from suanli.solver.columns import Columns
    from suanli.solver.index import Index

BIG_MIN = 1e6


def _names(nm, K) -> list[str]:
    return [f"site({nm.region[r]},{nm.type[t]})" for r, t in zip(K["r"], K["t"])]


SITE = RowKind("site", _names)
SITE_BUILD = RowKind("site_build")  # §8: builds b[r,t,q] <= M_b * open[r,q]; named site_build.i


def whole(w: Whole) -> None:
    ix, c = w.ix, w.cols
    site_n = np.flatnonzero(c.openmap[c.n_r] >= 0)
    if len(site_n) == 0:
        return
    m_cap = _cap_bound(ix, c)[site_n]
    m_dem = _demand_bound(ix, c)[site_n]
    region_of = -np.ones(c.ncol, dtype=np.int64)
    region_of[c.n0:c.open0] = c.n_r
    forced = forced_regions(w.rb, region_of, c.R, w.program.objective.sense, w.obj)[c.n_r[site_n]]
    big = max(BIG_MIN, 100.0 * float(m_dem.max(initial=0.0)))
    m = np.minimum(m_cap, np.where(forced, np.inf, m_dem)) if w.tight else np.full(len(site_n), np.inf)
    fallback = ~np.isfinite(m)
    m[fallback] = big
    _add(w.rb, SITE, c.n0 + site_n, c.openmap[c.n_r[site_n]], m,
         {"n": site_n, "r": c.n_r[site_n], "t": c.n_t[site_n]}, {"M": m, "fallback": fallback})


def _add(rb, kind: RowKind, n_cols, open_cols, m, keys, meta) -> None:
    """n <= M * open, one row per (n column, its region's open column)."""
    k = len(n_cols)
    rb.add(kind, np.concatenate([np.arange(k), np.arange(k)]), np.concatenate([n_cols, open_cols]),
           np.concatenate([np.ones(k), -m]), np.full(k, -np.inf), np.zeros(k), keys, meta)


def years(y: Years) -> None:
    """6. Sites of a multi-year program, two rows per (r, t, year):
    - builds: b[r,t,q] <= M_b * open[r,q]. A build beyond the largest need of
      the years it stands (the type-t nodes that would host, alone, all that
      may be placed in r: _demand_bound) never lowers a minimised cost,
      nor beyond the explicit caps of those years; so M_b is the least of them
      (the big fallback where nodes help a require or the objective). Since a
      site stays open, a node standing in year y was built in an open year q <= y.
    - installed: n[r,t,y] <= M_n * open[r,y], with M_n the years times the largest
      yearly bound: redundant with the rows above unless a site cost schedule
      leaves a year without an open decision."""
    L = y.layout
    forced = forced_regions(y.rb, _year_region_of(L), len(L.program.regions), y.program.objective.sense, y.obj)
    years_ = len(L.blocks)
    need = np.array([_demand_bound(b.ix, b.cols) for b in L.blocks])  # [year, n column]
    caps = np.array([_cap_bound(b.ix, b.cols) for b in L.blocks])
    big = max(BIG_MIN, 100.0 * years_ * float(need.max(initial=0.0)))
    for q, block in enumerate(L.blocks):
        c = block.cols
        site_n = np.flatnonzero(c.openmap[c.n_r] >= 0)
        if len(site_n) == 0:
            continue
        life = L.alive(q, np.arange(years_)[:, None])[:, site_n]  # [year, column]: standing
        m_b = np.minimum(np.where(life, caps[:, site_n], np.inf).min(axis=0),
                         np.where(life, need[:, site_n], 0.0).max(axis=0))
        m_n = np.minimum(caps[q, site_n], years_ * need[:, site_n].max(axis=0))
        open_cols = block.offset + c.openmap[c.n_r[site_n]]
        for kind, cols, m in ((SITE, block.offset + site_n, m_n), (SITE_BUILD, L.b(q)[site_n], m_b)):
            m = np.where(forced[c.n_r[site_n]], np.minimum(caps[q, site_n], np.inf), m)
            fallback = ~np.isfinite(m)
            m = np.where(fallback, big, m)
            _add(y.rb, kind, cols, open_cols, m, {"n": site_n, "r": c.n_r[site_n], "t": c.n_t[site_n]},
                 {"M": m, "fallback": fallback, "year": block.year, "n_col": cols, "open_col": open_cols})


def _year_region_of(L) -> np.ndarray:
    """The region of every n and b column of a multi-year program, else -1."""
    region_of = -np.ones(L.ncol, dtype=np.int64)
    for k in range(len(L.blocks)):
        region_of[L.n(k)] = L.n_r
        region_of[L.b(k)] = L.n_r
    return region_of


def _cap_bound(ix: Index, c: Columns) -> np.ndarray:
    per_power = ix.pue[c.n_r] * ix.t_power[c.n_t]
    by_power = np.floor(ix.power_cap[c.n_r] / per_power * (1 + 1e-9))
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


def forced_regions(rb, region_of: np.ndarray, regions: int, sense: str, obj) -> np.ndarray:
    """Regions where more nodes can help a require row or the objective;
    `region_of[column]` is the region of a node column (n or b), else -1."""
    forced = np.zeros(regions, dtype=bool)
    ids, vals = obj
    on = region_of[ids] >= 0
    gain = vals[on] > 0 if sense == "maximize" else vals[on] < 0
    forced[region_of[ids[on][gain]]] = True
    for fam, fam_r, cols, v, lb, ub in zip(rb.families, rb.r, rb.c, rb.v, rb.lb, rb.ub):
        if fam.kind != REQUIRE.name:
            continue
        local = fam_r - fam.start
        helps = (np.isfinite(ub[local]) & (v < 0)) | (np.isfinite(lb[local]) & (v > 0))
        forced[region_of[cols[(region_of[cols] >= 0) & helps]]] = True
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


FAMILY = ConstraintFamily("sites", "§6.6", (SITE, SITE_BUILD), ("sites",), whole=whole, years=years)
