"""Lowering: IR Program -> SparseProgram (LANGUAGE.md §6, to the letter).

Scaling. The IR is in SI units, where one row may hold 1e22 FLOP and a cost
0.02 CNY/GB is 2e-11 CNY/B. Each row is one dimension, so choosing a unit per
row is choosing a unit per dimension: every row is multiplied by a power of
ten that puts its largest coefficient in [1, 10) (decimal inputs stay exact),
and the objective likewise. A row whose coefficients still span more than
1e9 (HiGHS drops |a| <= 1e-9 silently) is reported as a plan warning.
"""

from __future__ import annotations

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.columns import Columns, build_columns
from suanli.solver.families import RowBuilder, Whole, whole_rows
from suanli.solver.index import Index
from suanli.solver.linmetrics import MetricVectors, dense
from suanli.solver.names import Namer
from suanli.solver.sparse import Family, SortedCoo, SparseProgram

RANGE_LIMIT = 1e9


def lower(program: Program, relax: bool = False, tight: bool = True) -> SparseProgram:
    """`tight=False` gives every site row the plain big-M fallback instead of the
    smallest M we can prove (for bench/milp.py, which measures what that buys)."""
    ix = Index(program)
    cols = build_columns(ix)
    pairs = ix.pairs
    mv = MetricVectors(ix, cols, pairs)
    rb = RowBuilder()
    obj = mv.linexpr(program.objective.expr)
    notes: list[str] = []
    whole_rows(Whole(rb, ix, cols, pairs, relax, program, mv, obj, notes, tight))
    sp = assemble(program, rb, dense(obj, cols.ncol), _col_bounds(ix, cols, relax), _col_families(cols), relax)
    sp.notes = notes
    sp.names_ctx = Namer(ix)
    sp.metrics = mv  # metric expressions as column vectors, for near-optimal objectives
    _range_notes(sp)
    return sp


def _col_bounds(ix: Index, c: Columns, relax: bool):
    ncol = c.ncol
    lb, ub = np.zeros(ncol), np.ones(ncol)
    integer = np.ones(ncol, dtype=bool)
    ub[c.n0:c.open0] = ix.t_max_per_region[c.n_t]
    split = np.array([s.split for s in ix.program.services], dtype=bool)
    integer[c.x0:c.y0] = ~split[c.x_d] if len(c.x_d) else False
    if relax:  # the LP relaxation: every integer and binary variable becomes real
        integer[:] = False
    return lb, ub, integer


def _col_families(c: Columns) -> list[Family]:
    return [Family("n", c.n0, c.open0, {"r": c.n_r, "t": c.n_t}),
            Family("open", c.open0, c.x0, {"r": c.open_r}),
            Family("x", c.x0, c.y0, {"d": c.x_d, "r": c.x_r}),
            Family("y", c.y0, c.z0, {"j": c.y_j, "r": c.y_r, "t": c.y_t, "o": c.y_o}),
            Family("z", c.z0, c.ncol, {"d": c.z_d, "r": c.z_r})]


def assemble(program: Program, rb: RowBuilder, cost: np.ndarray, bounds, col_families: list[Family],
             relax: bool) -> SparseProgram:
    """The scaled program of the rows in `rb`, the SI objective `cost` and the
    column `bounds` (lower, upper, integer); names and metrics are the caller's."""
    indptr, indices, values, scale = _scaled_matrix(rb)
    lb, ub = (np.concatenate(b) if b else np.zeros(0) for b in (rb.lb, rb.ub))
    obj_scale = _pow10_unit(np.abs(cost).max() if len(cost) else 0.0)
    col_lb, col_ub, integer = bounds
    return SparseProgram(
        sense=program.objective.sense, cost=cost / obj_scale,
        offset=program.objective.expr.constant / obj_scale, obj_scale=obj_scale,
        col_lb=col_lb, col_ub=col_ub, integer=integer,
        row_lb=lb * scale, row_ub=ub * scale, row_scale=scale,
        indptr=indptr, indices=indices, values=values,
        col_families=col_families, row_families=rb.families, notes=[], relaxed=relax)


def _scaled_matrix(rb: RowBuilder):
    """The CSR matrix and the row scales, one family at a time (each family
    is a block of rows; its triplets are released from `rb` once used, so
    the builder must not be read afterwards): every row multiplied by the power of ten putting its
    largest |coefficient| (over its entries before duplicates are summed) in
    [1, 10), then duplicates summed in input order and zeros dropped."""
    ptrs, idx, vals, scales = [np.zeros(1, dtype=np.int64)], [], [], []
    nnz = 0
    for k, fam in enumerate(rb.families):
        r, c, v = rb.r[k], rb.c[k], rb.v[k]
        rb.r[k] = rb.c[k] = rb.v[k] = None  # the triplets are done with: free them as we go
        n = len(fam)
        scale = np.ones(n)
        if len(r) == 0:
            ptrs.append(np.full(n, nnz, dtype=np.int64))
            scales.append(scale)
            continue
        coo = SortedCoo(r - fam.start, c)
        v = coo.gather(v)
        rows, starts = coo.row_starts()
        biggest = np.maximum.reduceat(np.abs(v), starts)
        pos = biggest > 0
        scale[rows[pos]] = 10.0 ** (-np.floor(np.log10(biggest[pos])))
        v *= np.repeat(scale[rows], np.diff(np.append(starts, len(v))))
        indptr, indices, values = coo.csr(v, n)
        ptrs.append(indptr[1:] + nnz)
        nnz += len(values)
        idx.append(indices)
        vals.append(values)
        scales.append(scale)
    cat = lambda xs, dt: np.concatenate(xs) if xs else np.zeros(0, dtype=dt)
    return (np.concatenate(ptrs), cat(idx, np.int64), cat(vals, float), cat(scales, float))


def _pow10_unit(biggest: float) -> float:
    if not np.isfinite(biggest) or biggest <= 0:
        return 1.0
    return float(10.0 ** np.floor(np.log10(biggest)))


def _range_notes(sp: SparseProgram) -> None:
    """Warn about rows whose scaled coefficients still span > RANGE_LIMIT."""
    if sp.nnz == 0:
        return
    counts = np.diff(sp.indptr)
    filled = np.flatnonzero(counts)
    absv = np.abs(sp.values)
    starts = sp.indptr[filled]
    big = np.maximum.reduceat(absv, starts)
    small = np.minimum.reduceat(absv, starts)
    bad = filled[big / small > RANGE_LIMIT]
    names = sp.names_ctx.row_names(sp, bad) if len(bad) else []
    for i, name in zip(bad, names):
        k = np.searchsorted(filled, i)
        sp.notes.append(f"constraint {name} has coefficients spanning {big[k] / small[k]:.1e} "
                        f"(more than {RANGE_LIMIT:.0e}); the solver may lose precision on it")
