"""Rows and assembly of the multi-year program (see years.py for the layout)."""

from __future__ import annotations

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.families import Period, RowBuilder, Years, period_rows, year_rows
from suanli.solver.linmetrics import dense
from suanli.solver.lower import _col_bounds, assemble
from suanli.solver.sparse import Family, SparseProgram
from suanli.solver.year_names import YearNamer
from suanli.solver.years import YearLayout, YearMetrics

INF = np.inf


def lower_years(program: Program, relax: bool = False) -> tuple[SparseProgram, YearLayout]:
    layout = YearLayout(program)
    metrics = YearMetrics(layout)
    rb = RowBuilder()
    for block in layout.blocks:
        local = RowBuilder()
        period_rows(Period(local, block.ix, block.cols, block.mv.pairs, relax))
        rb.append_block(local, block.offset, block.year)
    obj = metrics.linexpr(program.objective.expr, None)
    year_rows(Years(rb, layout, program, metrics, obj))
    return _assemble(program, layout, rb, obj, relax), layout


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


def _assemble(program: Program, L: YearLayout, rb: RowBuilder, obj, relax: bool) -> SparseProgram:
    families = [f for block in L.blocks for f in block.families]
    families.append(Family("b", L.b0, L.ncol, {"r": np.tile(L.n_r, len(L.blocks)),
                                                "t": np.tile(L.n_t, len(L.blocks)),
                                                "year": np.repeat(np.array(list(L.axis.years)), L.nn)}))
    sp = assemble(program, rb, dense(obj, L.ncol), _bounds(L, relax), families, relax)
    sp.names_ctx = YearNamer(L)
    sp.metrics = YearMetrics(L)  # metric expressions as column vectors, for near-optimal objectives
    return sp
