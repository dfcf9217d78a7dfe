"""Rows and assembly of the multi-year program (see years.py for the layout)."""

from __future__ import annotations

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver import rows as R
from suanli.solver.linmetrics import dense
from suanli.solver.lower import _col_bounds, _pow10_unit, _scaled_matrix
from suanli.solver import sites
from suanli.solver.backups import backup_rows
from suanli.solver.sparse import Family, SparseProgram
from suanli.solver.year_names import YearNamer
from suanli.solver.years import YearLayout, YearMetrics

INF = np.inf


def lower_years(program: Program, relax: bool = False) -> tuple[SparseProgram, YearLayout]:
    layout = YearLayout(program)
    metrics = YearMetrics(layout)
    rb = R.RowBuilder()
    for k, block in enumerate(layout.blocks):
        local = R.RowBuilder()
        ix, c = block.ix, block.cols
        R.served_rows(local, ix, c)
        R.compute_rows(local, ix, c)
        R.parallel_rows(local, ix, c)
        R.storage_rows(local, ix, c)
        R.memory_rows(local, ix, c)
        backup_rows(local, ix, c, relax)
        R.cap_rows(local, ix, c)
        R.bandwidth_rows(local, ix, c, block.mv.pairs)
        _append(rb, local, block.offset, block.year)
    _installed_rows(rb, layout)
    _open_rows(rb, layout)
    _require_rows(rb, program, metrics, layout)
    obj = metrics.linexpr(program.objective.expr, None)
    _site_rows(rb, layout, _forced(rb, layout, program.objective.sense, obj))
    return _assemble(program, layout, rb, obj, relax), layout


def _site_rows(rb: R.RowBuilder, L: YearLayout, forced: np.ndarray) -> None:
    """6. Sites, two rows per (r, t, year) of a region with site cost:
    - builds: b[r,t,q] <= M_b * open[r,q]. A build beyond the largest need of
      the years it stands (the type-t nodes that would host, alone, all that
      may be placed in r: sites._demand_bound) never lowers a minimised cost,
      nor beyond the explicit caps of those years; so M_b is the least of them
      (the big fallback where nodes help a require or the objective). Since a
      site stays open, a node standing in year y was built in an open year q <= y.
    - installed: n[r,t,y] <= M_n * open[r,y], with M_n the years times the largest
      yearly bound: redundant with the rows above unless a site cost schedule
      leaves a year without an open decision."""
    years = len(L.blocks)
    need = np.array([sites._demand_bound(b.ix, b.cols) for b in L.blocks])  # [year, n column]
    caps = np.array([sites._cap_bound(b.ix, b.cols) for b in L.blocks])
    big = max(sites.BIG_MIN, 100.0 * years * float(need.max(initial=0.0)))
    for q, block in enumerate(L.blocks):
        c = block.cols
        site_n = np.flatnonzero(c.openmap[c.n_r] >= 0)
        if len(site_n) == 0:
            continue
        life = L.alive(q, np.arange(years)[:, None])[:, site_n]  # [year, column]: standing
        m_b = np.minimum(np.where(life, caps[:, site_n], np.inf).min(axis=0),
                         np.where(life, need[:, site_n], 0.0).max(axis=0))
        m_n = np.minimum(caps[q, site_n], years * need[:, site_n].max(axis=0))
        open_cols = block.offset + c.openmap[c.n_r[site_n]]
        for kind, cols, m in (("site", block.offset + site_n, m_n), ("site_build", L.b(q)[site_n], m_b)):
            m = np.where(forced[c.n_r[site_n]], np.minimum(caps[q, site_n], np.inf), m)
            fallback = ~np.isfinite(m)
            m = np.where(fallback, big, m)
            k = len(site_n)
            rb.add(kind, np.concatenate([np.arange(k), np.arange(k)]), np.concatenate([cols, open_cols]),
                   np.concatenate([np.ones(k), -m]), np.full(k, -INF), np.zeros(k),
                   {"n": site_n, "r": c.n_r[site_n], "t": c.n_t[site_n]},
                   {"M": m, "fallback": fallback, "year": block.year, "n_col": cols, "open_col": open_cols})


def _forced(rb: R.RowBuilder, L: YearLayout, sense: str, obj) -> np.ndarray:
    """Regions where more nodes can help a require row or the objective."""
    R_ = len(L.program.regions)
    region_of = -np.ones(L.ncol, dtype=np.int64)
    for k, block in enumerate(L.blocks):
        region_of[L.n(k)] = L.n_r
        region_of[L.b(k)] = L.n_r
    forced = np.zeros(R_, dtype=bool)
    ids, vals = obj
    on = region_of[ids] >= 0
    gain = vals[on] > 0 if sense == "maximize" else vals[on] < 0
    forced[region_of[ids[on][gain]]] = True
    for fam, cols, v, lb, ub, r in zip(rb.families, rb.c, rb.v, rb.lb, rb.ub, rb.r):
        if fam.kind != "require":
            continue
        local = r - fam.start
        pick = region_of[cols] >= 0
        helps = (np.isfinite(ub[local]) & (v < 0)) | (np.isfinite(lb[local]) & (v > 0))
        forced[region_of[cols[pick & helps]]] = True
    return forced


def _append(rb: R.RowBuilder, local: R.RowBuilder, offset: int, year: int) -> None:
    for k, fam in enumerate(local.families):
        rb.add(fam.kind, local.r[k] - fam.start, local.c[k] + offset, local.v[k], local.lb[k],
               local.ub[k], fam.keys, {**fam.meta, "year": year})


def _installed_rows(rb: R.RowBuilder, L: YearLayout) -> None:
    """n[r,t,y] - sum of b[r,t,q] still standing in y = 0."""
    nn, rows, cols, vals = L.nn, [], [], []
    for k in range(len(L.blocks)):
        base = k * nn
        rows.append(base + np.arange(nn))
        cols.append(L.n(k))
        vals.append(np.ones(nn))
        for q in range(k + 1):
            alive = np.flatnonzero(L.alive(q, k))
            rows.append(base + alive)
            cols.append(L.b(q)[alive])
            vals.append(-np.ones(len(alive)))
    count = nn * len(L.blocks)
    if count:
        years = np.repeat(np.arange(L.axis.first, L.axis.last + 1), nn)
        rb.add("installed", np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
               np.zeros(count), np.zeros(count),
               {"r": np.tile(L.n_r, len(L.blocks)), "t": np.tile(L.n_t, len(L.blocks)), "year": years})


def _open_rows(rb: R.RowBuilder, L: YearLayout) -> None:
    """open[r,y-1] <= open[r,y]: a site once opened stays open."""
    rows, cols, vals, regions, years, pairs = [], [], [], [], [], []
    for k in range(1, len(L.blocks)):
        for r in L.blocks[k].cols.open_r.tolist():
            now, before = L.open_col(k, r), L.open_col(k - 1, r)
            if before < 0:
                continue
            i = len(regions)
            rows += [i, i]
            cols += [before, now]
            vals += [1.0, -1.0]
            regions.append(r)
            years.append(L.axis.first + k)
            pairs.append((before, now))
    if regions:
        rb.add("stay_open", rows, cols, vals, np.full(len(regions), -INF), np.zeros(len(regions)),
               {"r": np.array(regions), "year": np.array(years)}, {"pairs": pairs})


def _require_rows(rb: R.RowBuilder, program: Program, metrics: YearMetrics, L: YearLayout) -> None:
    rows, cols, vals, lbs, ubs, stmt, part = [], [], [], [], [], [], []
    k = 0
    for s_ix, st in enumerate(program.statements):
        if st.kind != "require":
            continue
        year = None if st.year is None else st.year - L.axis.first
        for p_ix, row in enumerate(st.rows):
            ids, coefs = metrics.linexpr(row.expr, year)
            rows.append(np.full(len(ids), k, dtype=np.int64))
            cols.append(ids)
            vals.append(coefs)
            const = row.expr.constant
            lbs.append(-INF if row.lower is None else row.lower - const)
            ubs.append(INF if row.upper is None else row.upper - const)
            stmt.append(s_ix)
            part.append(p_ix)
            k += 1
    if k:
        rb.add("require", np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
               lbs, ubs, {"s": np.array(stmt), "p": np.array(part)})


def _bounds(L: YearLayout, relax: bool):
    lb, ub = np.zeros(L.ncol), np.ones(L.ncol)
    integer = np.ones(L.ncol, dtype=bool)
    for block in L.blocks:  # each year's block bounded as a single period (lower.py)
        span = slice(block.offset, block.offset + block.cols.ncol)
        lb[span], ub[span], integer[span] = _col_bounds(block.ix, block.cols, False)
    available = np.array(L.axis.available, dtype=np.int64)[L.n_t] if L.nn else np.zeros(0, dtype=np.int64)
    for k, year in enumerate(L.axis.years):
        ub[L.b(k)] = np.where(year < available, 0.0, INF)
    if relax:
        integer[:] = False
    return lb, ub, integer


def _assemble(program: Program, L: YearLayout, rb: R.RowBuilder, obj, relax: bool) -> SparseProgram:
    indptr, indices, values, scale = _scaled_matrix(rb)
    lb, ub = (np.concatenate(b) if b else np.zeros(0) for b in (rb.lb, rb.ub))
    cost = dense(obj, L.ncol)
    obj_scale = _pow10_unit(np.abs(cost).max() if len(cost) else 0.0)
    col_lb, col_ub, integer = _bounds(L, relax)
    families = [f for block in L.blocks for f in block.families]
    families.append(Family("b", L.b0, L.ncol, {"r": np.tile(L.n_r, len(L.blocks)),
                                                "t": np.tile(L.n_t, len(L.blocks)),
                                                "year": np.repeat(np.array(list(L.axis.years)), L.nn)}))
    sp = SparseProgram(
        sense=program.objective.sense, cost=cost / obj_scale,
        offset=program.objective.expr.constant / obj_scale, obj_scale=obj_scale,
        col_lb=col_lb, col_ub=col_ub, integer=integer,
        row_lb=lb * scale, row_ub=ub * scale, row_scale=scale,
        indptr=indptr, indices=indices, values=values,
        col_families=families, row_families=rb.families, notes=[], relaxed=relax)
    sp.names_ctx = YearNamer(L)
    sp.metrics = YearMetrics(L)  # metric expressions as column vectors, for near-optimal objectives
    return sp
