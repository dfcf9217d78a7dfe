"""The LP of a SparseProgram by column generation (exact: the full LP's optimum).

Most placement columns -- x[d,r], y[j,r,t], z[d,b] -- are zero at the LP
optimum: a demand is served from a few regions. So a restricted LP holds
every other column (n, open, ...) and, per demand / job, a few candidate
placements (the cheapest by an estimated reduced cost, `estimate`), plus
only the ROWS that matter: a row is left out while it is implied by the
bounds of the included columns (the excluded ones at 0). A parallel row
n[r,t] - N*y[j,r,t] >= 0 of an excluded y, or a site_use row open - x >= 0
of an excluded x, is such a row: the restricted LP is small in rows too.

Each round solves the restricted LP warm (HiGHS keeps the basis when
columns and rows are added), prices every excluded column in bulk
(d = c - A^T y with numpy, y = the model rows' duals, 0 for rows left out)
and adds, per group, the few most negative ones with the rows they touch.
With no improving column left the restricted optimum is the full LP's:
its point is feasible for the full program (left-out rows are implied)
and its duals, extended by 0, are dual feasible for it.

A restricted LP without a feasible point gets more candidates (geometric
growth per group; in the end every column); only then is the program
reported infeasible, so a feasible LP never is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import scipy.sparse as sparse

from suanli.solver.backend import SolveResult
from suanli.solver.highs_backend import build_highs
from suanli.solver.sparse import SparseProgram

# placement column families and the key that groups them (one demand / job)
PLACEMENTS = {"x": "d", "y": "j", "z": "d"}
FIRST_PER_GROUP = 2  # candidates per group in the first restricted LP
ADD_PER_GROUP = 20  # improving columns added per group and round (bench M: 2 -> 58 rounds, 20 -> 8)
DUAL_TOL = 1e-7  # HiGHS's dual feasibility tolerance: reduced costs below -this improve
# auto rule (solve --lp auto): column generation once the placement columns
# are this many and this many times the groups (bench M: 49k columns -> full LP)
AUTO_MIN_COLUMNS = 200_000
AUTO_MIN_RATIO = 8.0


@dataclass
class Groups:
    """The excludable columns (placements with lower bound 0) and their group."""

    cols: np.ndarray  # column ids
    group: np.ndarray  # a group number per column


def placement_groups(sp: SparseProgram) -> Groups:
    cols, group, base = [], [], 0
    for fam in sp.col_families:
        key = PLACEMENTS.get(fam.kind)
        if key is None or not len(fam) or key not in fam.keys:
            continue
        ids = np.arange(fam.start, fam.stop)
        k = fam.keys[key].astype(np.int64)
        keep = sp.col_lb[ids] == 0.0
        cols.append(ids[keep])
        group.append(base + k[keep])
        base += int(k.max()) + 1
    if not cols:
        return Groups(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    return Groups(np.concatenate(cols), np.concatenate(group))


def worth_it(sp: SparseProgram) -> bool:
    """The `auto` rule: many placement columns, many per demand / job."""
    g = placement_groups(sp)
    if len(g.cols) < AUTO_MIN_COLUMNS:
        return False
    return len(g.cols) >= AUTO_MIN_RATIO * max(1, len(np.unique(g.group)))


def csr_of(sp: SparseProgram) -> sparse.csr_matrix:
    return sparse.csr_matrix((sp.values, sp.indices, sp.indptr), shape=(sp.nrow, sp.ncol))


def estimate(sp: SparseProgram, A: sparse.csr_matrix, outside: np.ndarray) -> np.ndarray:
    """An estimated reduced cost per column: its cost plus what it consumes
    of each one-sided row, priced at the cheapest supply of that row among
    the always-included columns (cost / coefficient). Only a ranking."""
    lb_row, ub_row = np.isfinite(sp.row_lb), np.isfinite(sp.row_ub)
    sign = np.where(ub_row & ~lb_row, 1.0, np.where(lb_row & ~ub_row, -1.0, 0.0))
    rows = np.repeat(np.arange(sp.nrow), np.diff(A.indptr))
    data = A.data * sign[rows]  # > 0: consumes the row's resource, < 0: supplies it
    supply = (data < 0) & ~outside[A.indices] & (sp.cost[A.indices] >= 0)
    price = np.full(sp.nrow, np.inf)
    np.minimum.at(price, rows[supply], sp.cost[A.indices[supply]] / -data[supply])
    price[~np.isfinite(price)] = 0.0
    use = np.where(data > 0, data, 0.0) * price[rows]
    return sp.cost + np.bincount(A.indices, weights=use, minlength=sp.ncol)


def first_k(groups: Groups, score: np.ndarray, k: int) -> np.ndarray:
    """The k lowest-scoring columns of every group (ties: the first column)."""
    order = np.lexsort((groups.cols, score, groups.group))
    g = groups.group[order]
    starts = np.searchsorted(g, g, "left")
    rank = np.arange(len(order)) - starts
    return groups.cols[order[rank < k]]


@dataclass
class Restricted:
    """The restricted LP: which columns and rows of `sp` are in the HiGHS
    model, in model order (`cols`, `rows`), and the model itself."""

    sp: SparseProgram
    A: sparse.csr_matrix
    AT: sparse.csr_matrix  # the transpose (CSR of columns): pricing and column slices
    col_in: np.ndarray
    row_in: np.ndarray
    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    model: object = None
    rounds: int = 0

    @classmethod
    def start(cls, sp: SparseProgram, cols: np.ndarray, A: Optional[sparse.csr_matrix] = None) -> "Restricted":
        A = csr_of(sp) if A is None else A
        col_in = np.zeros(sp.ncol, dtype=bool)
        col_in[cols] = True
        rs = cls(sp, A, A.T.tocsr(), col_in, ~implied_rows(sp, A, col_in))
        rs.cols, rs.rows = np.flatnonzero(col_in), np.flatnonzero(rs.row_in)
        rs.model = build_highs(rs.program())
        return rs

    def program(self) -> SparseProgram:
        """The restricted LP as a SparseProgram, in model order (no families)."""
        sub = sub_program(self.sp, self.A, self.cols, self.rows)
        return sub.replace(integer=np.zeros(len(self.cols), dtype=bool))

    def add(self, new_cols: np.ndarray) -> None:
        """Columns into the model (entries in its rows), then the rows they
        touch that were left out (entries on every included column)."""
        new_cols = np.unique(new_cols[~self.col_in[new_cols]])
        if not len(new_cols):
            return
        sp, pos = self.sp, -np.ones(self.sp.nrow, dtype=np.int64)
        pos[self.rows] = np.arange(len(self.rows))
        block = self.AT[new_cols].tocsr()
        touched = np.unique(block.indices)
        new_rows = touched[~self.row_in[touched]]
        keep = pos[block.indices] >= 0
        starts = _starts(keep, block.indptr)
        self.model.addCols(len(new_cols), sp.cost[new_cols], clip_bounds(sp.col_lb[new_cols]),
                           clip_bounds(sp.col_ub[new_cols]), int(keep.sum()), starts.astype(np.int32),
                           pos[block.indices[keep]].astype(np.int32), block.data[keep])
        self.col_in[new_cols] = True
        self.cols = np.concatenate([self.cols, new_cols])
        if len(new_rows):
            self.add_rows(new_rows)

    def add_rows(self, new_rows: np.ndarray) -> None:
        sp, cpos = self.sp, -np.ones(self.sp.ncol, dtype=np.int64)
        cpos[self.cols] = np.arange(len(self.cols))
        block = self.A[new_rows].tocsr()
        keep = cpos[block.indices] >= 0
        starts = _starts(keep, block.indptr)
        self.model.addRows(len(new_rows), clip_bounds(sp.row_lb[new_rows]), clip_bounds(sp.row_ub[new_rows]),
                           int(keep.sum()), starts.astype(np.int32),
                           cpos[block.indices[keep]].astype(np.int32), block.data[keep])
        self.row_in[new_rows] = True
        self.rows = np.concatenate([self.rows, new_rows])

    def full_duals(self, res: SolveResult) -> tuple[np.ndarray, np.ndarray]:
        """(row duals of every row, 0 where left out; reduced costs of every column)."""
        y = np.zeros(self.sp.nrow)
        y[self.rows] = res.row_dual
        d = self.sp.cost - self.AT @ y
        d[self.cols] = res.col_dual
        return y, d


def padded(ncol: int, cols: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A point of a restricted program as one of the full program: the columns left out at 0."""
    x = np.zeros(ncol)
    x[cols] = values
    return x


def sub_program(sp: SparseProgram, A: sparse.csr_matrix, cols: np.ndarray, rows: np.ndarray) -> SparseProgram:
    """Columns `cols` and rows `rows` of `sp` (integrality kept), in that order, no families."""
    sub = A[rows][:, cols].tocsr()
    sub.sort_indices()
    return sp.replace(cost=sp.cost[cols], col_lb=sp.col_lb[cols], col_ub=sp.col_ub[cols],
                      integer=sp.integer[cols], row_lb=sp.row_lb[rows], row_ub=sp.row_ub[rows],
                      row_scale=sp.row_scale[rows], indptr=sub.indptr.astype(np.int64),
                      indices=sub.indices.astype(np.int64), values=sub.data,
                      col_families=[], row_families=[], names_ctx=None, metrics=None)


def restricted_program(sp: SparseProgram, cols: np.ndarray) -> tuple[SparseProgram, np.ndarray]:
    """The program over `cols` only (every other column at 0) and the rows that
    can bind (rows implied by those columns' bounds are left out): (program, cols
    in its order). Any point of it, zeros elsewhere, is a point of `sp`."""
    A = csr_of(sp)
    col_in = np.zeros(sp.ncol, dtype=bool)
    col_in[cols] = True
    rows = np.flatnonzero(~implied_rows(sp, A, col_in))
    cols = np.flatnonzero(col_in)
    return sub_program(sp, A, cols, rows), cols


def _starts(keep: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Where each column's (row's) kept entries start, after dropping ~keep."""
    n = len(indptr) - 1
    segment = np.repeat(np.arange(n), np.diff(indptr))
    counts = np.bincount(segment[keep], minlength=n)
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def clip_bounds(a: np.ndarray) -> np.ndarray:
    return np.clip(a, -1e30, 1e30).astype(float)


def columns_rows_need(sp: SparseProgram, A: sparse.csr_matrix, col_in: np.ndarray) -> np.ndarray:
    """Columns left out in rows the included columns cannot satisfy within
    their bounds -- e.g. a `require` that some demand sits partly in region r
    when no candidate of it is in r: the excluded columns that move such a
    row towards its bounds (one pass; what is still missing, `grow` adds)."""
    lo, hi = _activity_range(sp, A, col_in)
    short, over = hi < sp.row_lb, lo > sp.row_ub
    if not (short.any() or over.any()):
        return np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(sp.nrow), np.diff(A.indptr))
    a, j = A.data, A.indices
    helps = ~col_in[j] & (sp.col_ub[j] > 0) & ((short[rows] & (a > 0)) | (over[rows] & (a < 0)))
    return np.unique(j[helps])


def implied_rows(sp: SparseProgram, A: sparse.csr_matrix, col_in: np.ndarray) -> np.ndarray:
    """Rows that hold for every value of the included columns within their
    bounds, the excluded columns at 0 (exact comparisons: no tolerance)."""
    lo, hi = _activity_range(sp, A, col_in)
    return (lo >= sp.row_lb) & (hi <= sp.row_ub)


def _activity_range(sp: SparseProgram, A: sparse.csr_matrix, col_in: np.ndarray):
    """(least, greatest) activity of each row over the included columns' bounds."""
    rows = np.repeat(np.arange(sp.nrow), np.diff(A.indptr))
    a, j = A.data, A.indices
    inside = col_in[j]
    with np.errstate(invalid="ignore"):
        low = np.where(a > 0, a * sp.col_lb[j], a * sp.col_ub[j])
        high = np.where(a > 0, a * sp.col_ub[j], a * sp.col_lb[j])
    lo = np.bincount(rows[inside], weights=low[inside], minlength=sp.nrow)
    hi = np.bincount(rows[inside], weights=high[inside], minlength=sp.nrow)
    return lo, hi
