"""Lowering of a multi-year build-out (LANGUAGE.md §8) to one SparseProgram.

Columns: one block per year, laid out exactly as a single-period program of
that year (n[r,t], open[r], x[d,r], y[j,r,t]; columns.py), then the builds
b[r,t,y] (same (r,t) order as n, year by year). Rows (year_lower.py, by the
constraint families of solver/families/): each family's per-period rows for
every year's block, from that year's program; then, over all years,

- installed: n[r,t,y] - sum_{q <= y, y - q < L_t(q)} b[r,t,q] = 0 (families/buildout.py);
- sites stay open: open[r,y-1] - open[r,y] <= 0 (families/buildout.py);
- every `require` of its year (or on totals), with year-aware cost metrics;
- the site rows of builds and installed nodes (families/sites.py).

Loops run over years (and year pairs); all work inside them is numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from suanli.compiler.ir import LinExpr, Metric, Program
from suanli.compiler.units import YEAR
from suanli.solver.columns import Columns, build_columns
from suanli.solver.index import Index
from suanli.solver.linmetrics import COST_PARTS, MetricVectors, Vec, _concat
from suanli.solver.sparse import Family

TOTALS = frozenset({"energy", "renewable_energy", "carbon"})


@dataclass
class YearBlock:
    year: int
    program: Program
    ix: Index
    cols: Columns
    mv: MetricVectors
    offset: int  # first global column of this year's block
    families: list[Family]  # this year's column families, in global columns


class YearLayout:
    """Column blocks of every year and the build columns b."""

    def __init__(self, program: Program):
        self.program, self.axis = program, program.years
        self.blocks: list[YearBlock] = []
        offset = 0
        for k, prog in enumerate(self.axis.programs):
            ix = Index(prog)
            cols = build_columns(ix)
            mv = MetricVectors(ix, cols, ix.pairs)
            fams = _families(cols, offset, self.axis.first + k)
            self.blocks.append(YearBlock(self.axis.first + k, prog, ix, cols, mv, offset, fams))
            offset += cols.ncol
        first = self.blocks[0].cols
        self.n_r, self.n_t = first.n_r, first.n_t
        self.nn = len(self.n_r)
        self.b0 = offset
        self.ncol = offset + self.nn * len(self.blocks)

    def b(self, k: int) -> np.ndarray:
        """Global columns of b[., ., year k] in n order."""
        return self.b0 + k * self.nn + np.arange(self.nn)

    def n(self, k: int) -> np.ndarray:
        return self.blocks[k].offset + np.arange(self.nn)

    def lifetime(self, k: int) -> np.ndarray:
        """L_t(q) in whole years of each n column's type, for nodes built in year k."""
        per_type = np.array([round(t.lifetime / float(YEAR)) for t in self.blocks[k].program.node_types])
        return per_type[self.n_t].astype(np.int64) if self.nn else np.zeros(0, dtype=np.int64)

    def alive(self, q: int, k: int) -> np.ndarray:
        """Mask over n columns: a node built in year q still stands in year k."""
        return (q <= k) & (k - q < self.lifetime(q))

    def open_col(self, k: int, r: int) -> int:
        col = self.blocks[k].cols.openmap[r]
        return -1 if col < 0 else self.blocks[k].offset + int(col)


def _families(c: Columns, off: int, year: int) -> list[Family]:
    """The single-period column families (lower.py), shifted to this year's block."""
    from suanli.solver.lower import _col_families

    return [Family(f.kind, f.start + off, f.stop + off, f.keys, {**f.meta, "year": year})
            for f in _col_families(c)]


# ------------------------------------------------------------ metric vectors


class YearMetrics:
    """Metrics as (global column ids, coefficients): of one year, or totals."""

    def __init__(self, layout: YearLayout):
        self.L = layout

    def year_vector(self, m: Metric, k: int) -> Vec:
        if m.kind == "cost":
            return _concat([self.year_vector(m.model_copy(update={"kind": p}), k) for p in COST_PARTS])
        if m.kind == "cost.capex":
            return self._capex(m, k)
        if m.kind == "cost.site":
            return self._site(m, k)
        block = self.L.blocks[k]
        ids, vals = block.mv.vector(m)
        return ids + block.offset, vals

    def total_vector(self, m: Metric) -> Vec:
        axis = self.L.axis
        parts = []
        for k, year in enumerate(axis.years):
            ids, vals = self.year_vector(m, k)
            weight = 1.0 if m.kind in TOTALS else axis.discount(year)
            parts.append((ids, vals * weight))
        return _concat(parts)

    def linexpr(self, expr: LinExpr, k: int | None) -> Vec:
        parts = []
        for term in expr.terms:
            ids, vals = self.total_vector(term.metric) if k is None else self.year_vector(term.metric, k)
            parts.append((ids, vals * term.coef))
        return _concat(parts)

    def _capex(self, m: Metric, k: int) -> Vec:
        """Straight line: a node built in year q costs capex_t(q)/L_t(q) in each year it stands."""
        L, parts = self.L, []
        mv = L.blocks[k].mv
        sel = mv._region_mask(m.regions)[L.n_r] & mv._type_mask(m.node_types)[L.n_t]
        for q in range(k + 1):
            capex = np.array([t.capex for t in L.blocks[q].program.node_types])[L.n_t] if L.nn else np.zeros(0)
            coef = np.where(sel & L.alive(q, k), capex / L.lifetime(q), 0.0)
            ids = np.flatnonzero(coef)
            parts.append((L.b(q)[ids], coef[ids]))
        return _concat(parts)

    def _site(self, m: Metric, k: int) -> Vec:
        """money/time: paid each open year; plain money: once, in the opening year."""
        L = self.L
        block = L.blocks[k]
        c = block.cols
        mask = block.mv._region_mask(m.regions)
        ids, vals = [], []
        for r in c.open_r[mask[c.open_r]].tolist():
            cost = block.ix.site_cost[r]
            ids.append(L.open_col(k, r))
            vals.append(cost)
            prev = L.open_col(k - 1, r) if k > 0 and L.axis.site_once[r] else -1
            if prev >= 0:
                ids.append(prev)
                vals.append(-cost)
        return _concat([(np.array(ids, dtype=np.int64), np.array(vals, dtype=float))])
