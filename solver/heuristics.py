"""A domain primal heuristic: a good plan before branch and bound starts.

On the strengthened program (strengthen.py), the LP relaxation already says
where to build (its bound is within ~0.1% of the optimum at bench M), so a
plain rounding of it is a good plan, which HiGHS gets as its MIP start:

1. solve the LP relaxation;
2. open every site the LP opens at all (open > OPEN_TINY); each job, and
   each unsplittable service, goes where its largest LP fraction is (ties:
   the first column, i.e. name order of the lowering);
3. re-solve the LP with those fixed (node counts and split services real);
4. node counts up: n = ceil(n_LP), which keeps the LP's split fractions
   feasible; if a cap or a require objects, a small MIP chooses each n in
   [floor, ceil] and the LP over the split fractions is solved once more;
5. sites left without nodes are closed if every row still holds.

The LPs are one HiGHS model re-solved warm after each fixing. If a step
is infeasible (e.g. an unsplittable demand cannot stay where its largest
fraction was) the heuristic gives up and says why, and branch and bound
starts without a plan, as it did before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from suanli.solver import colgen_solve
from suanli.solver.backend import SolveOptions, Status
from suanli.solver.families.caps import NODES, POWER
from suanli.solver.highs_backend import HighsBackend
from suanli.solver.sparse import SparseProgram

OPEN_TINY = 1e-6  # an LP site fraction above this opens the site
N_TINY = 1e-6  # ceil(n - N_TINY): an LP count a hair above an integer keeps it
ROW_TOL = 1e-6  # scaled rows (largest |coefficient| in [1, 10))
COUNTS_GAP = 1e-2  # the repair MIP over node counts: a start, not the answer (1e-4 took 170 s at M seed 2)


@dataclass
class Start:
    """What the heuristic found: a plan (`x`, None if it gave up) and the LP bound."""

    x: Optional[np.ndarray]
    objective: Optional[float]  # scaled, offset included
    bound: Optional[float]  # the LP relaxation's optimum (scaled), None if not solved
    message: str
    columns: Optional[np.ndarray] = None  # by column generation: the restricted LP's columns at the end


def mip_start(sp: SparseProgram, options: Callable[[], SolveOptions],
              fixed: Optional[dict[int, float]] = None, columns: bool = False) -> Start:
    """Round the LP relaxation of `sp` (a MILP) to a feasible plan. `fixed`
    (column -> value, e.g. a baseline plan's sites and placements from
    warm_start.py) is kept where the LP stays feasible with it; otherwise
    the plain rounding is tried and the message says so. `columns`: the LPs
    by column generation (colgen_solve.py; `solve --lp`)."""
    lps = WarmLP(sp, options, columns)
    start = _start(lps, fixed)
    if columns and lps.model is not None:
        start.columns = lps.model.rs.cols.copy()
    return start


def _start(lps: "WarmLP", fixed: Optional[dict[int, float]]) -> Start:
    sp = lps.sp
    lp = lps.solve(sp.col_lb, sp.col_ub)
    if lp is None:
        return Start(None, None, None, f"the LP relaxation ended {lps.status}")
    if fixed:
        start = _round(lps, lp, fixed)
        if start.x is not None:
            return Start(start.x, start.objective, start.bound, "repaired the baseline plan")
        plain = _round(lps, lp, None)
        plain.message = f"the baseline plan could not be repaired; {plain.message}"
        return plain
    return _round(lps, lp, None)


class WarmLP:
    """The LP relaxation in one HiGHS model, re-solved warm (from the last
    basis, HighsBackend.resolve) after each change of column bounds: fixing
    sites and placements moves the optimum only a few pivots."""

    def __init__(self, sp: SparseProgram, options: Callable[[], SolveOptions], columns: bool = False):
        self.sp, self.options, self.model = sp, options, None
        self.highs = HighsBackend()
        self.columns = columns  # column generation (colgen_solve.py): `model` is its Generation
        self.status = "unsolved"  # the last solve's status, for messages

    def solve(self, lb: np.ndarray, ub: np.ndarray, cold: bool = False):
        """`cold`: from scratch with presolve, the model kept as it was."""
        opts = self.options()
        if opts.time_limit is not None and opts.time_limit <= 0:
            self.status = "at the time limit"
            return None
        lp_opts = _lp_options(opts)
        if self.columns:
            res = self._by_columns(lb, ub, cold)
        elif cold:
            lp = self.sp.replace(col_lb=lb.copy(), col_ub=ub.copy(), integer=np.zeros(self.sp.ncol, dtype=bool))
            res = self.highs.solve(lp, lp_opts)
        elif self.model is None:
            lp = self.sp.replace(col_lb=lb, col_ub=ub, integer=np.zeros(self.sp.ncol, dtype=bool))
            res = self.highs.solve(lp, lp_opts, keep=True)
            self.model, res.model = res.model, None
        else:
            ids = np.arange(self.sp.ncol, dtype=np.int32)
            self.model.changeColsBounds(self.sp.ncol, ids, np.clip(lb, -1e30, 1e30), np.clip(ub, -1e30, 1e30))
            res = self.highs.resolve(self.model, self.sp, lp_opts)
        stopped = {"time_limit": "at the time limit", "feasible": "at the time limit"}
        self.status = stopped.get(res.status.value, res.status.value)
        return res if res.status is Status.OPTIMAL else None

    def _by_columns(self, lb: np.ndarray, ub: np.ndarray, cold: bool):
        """Column generation: the first solve starts it, later ones change the
        bounds of the same restricted LP and price again (a fixing may need
        columns left out so far: they come in, or the LP grows until feasible)."""
        opts = lambda: _lp_options(self.options())
        if cold or self.model is None:
            gen = colgen_solve.Generation(self.sp, lb, ub)
            if not cold:
                self.model = gen
        else:
            gen = self.model
            gen.set_bounds(lb, ub)
        return colgen_solve.run(gen, opts)


def _lp_options(opts: SolveOptions) -> SolveOptions:
    return SolveOptions(time_limit=opts.time_limit, threads=opts.threads, seed=opts.seed, grace=opts.grace)


def _round(lps: WarmLP, lp, fixed) -> Start:
    sp, bound = lps.sp, lp.objective
    lb, ub = sp.col_lb.copy(), sp.col_ub.copy()
    if fixed:
        _fix(lb, ub, fixed)
        lp = lps.solve(lb, ub)
        if lp is None:
            return Start(None, None, bound, "the baseline's choices leave no feasible LP")
    _fix(lb, ub, _rounded_choices(sp, lp.x, lb == ub))
    placed = lps.solve(lb, ub)
    if placed is None:
        return Start(None, None, bound, "rounding the LP's sites and placements left no feasible plan")
    copies = _rounded_backups(sp, placed.x)
    if copies:  # §9: with the primary placements fixed, each demand's K largest backup fractions
        _fix(lb, ub, copies)
        placed = lps.solve(lb, ub)
        if placed is None:
            return Start(None, None, bound, "rounding the backup copies left no feasible plan")
    x = _ceil_counts(sp, placed.x)
    if not feasible(sp, x):  # a cap or a require: choose the counts, then the split fractions
        final = _round_counts(lps, placed.x, lb, ub)
        if final is None:
            return Start(None, None, bound, "no whole node counts fit the caps around the LP's")
        x = _integral(sp, final.x)
    x = _close_empty_sites(sp, x)
    if not feasible(sp, x):
        return Start(None, None, bound, "the rounded plan violates a row beyond tolerance")
    return Start(x, float(sp.cost @ x + sp.offset), bound, "rounded the LP relaxation")


def _ceil_counts(sp: SparseProgram, x: np.ndarray) -> np.ndarray:
    """n = ceil(n_LP), the LP's split fractions kept: more nodes only loosen
    the capacity rows, so this is a plan unless a cap or a require objects.
    (Re-solving the LP over the fractions saved 0.01-0.03% at bench M, for
    as long as the LP relaxation took: not worth it before branch and bound.)"""
    n = sp.family("n")
    x = x.copy()
    if n is not None and len(n):
        cols = slice(n.start, n.stop)
        x[cols] = np.minimum(np.ceil(x[cols] - N_TINY).clip(min=0), sp.col_ub[cols])
    return _integral(sp, x)


def _round_counts(lps: WarmLP, x: np.ndarray, lb: np.ndarray, ub: np.ndarray):
    """When ceil(n_LP) with the LP's fractions is no plan: ceil(n_LP), but
    floor(n_LP) in the regions whose power or node cap ceil overfills, and
    the LP over the split fractions; if that fails too, a small MIP picks each n in
    [floor, ceil] of the LP's (sites and placements fixed: only those choices)."""
    sp, n = lps.sp, lps.sp.family("n")
    if n is None or not len(n):
        return lps.solve(lb, ub)
    cols = slice(n.start, n.stop)
    lo = np.minimum(np.floor(x[cols] + N_TINY).clip(min=0), sp.col_ub[cols])
    hi = np.minimum(np.ceil(x[cols] - N_TINY).clip(min=0), sp.col_ub[cols])
    trial = x.copy()
    trial[cols] = hi
    down = np.isin(n.keys["r"], _overfilled_regions(sp, trial))
    lb[cols] = ub[cols] = np.where(down, lo, hi)  # the split fractions move to fit
    final = lps.solve(lb, ub, cold=True)
    if final is not None:
        return final
    lb[cols], ub[cols] = lo, hi
    counts = _counts_mip(sp, lb, ub, lps.options)
    if counts is None:
        return None
    lb[cols] = ub[cols] = counts
    return lps.solve(lb, ub, cold=True)


def _overfilled_regions(sp: SparseProgram, x: np.ndarray) -> np.ndarray:
    """Regions whose power or node-count cap row x breaks."""
    act = sp.activity(x)
    out = [np.zeros(0, dtype=np.int64)]
    for kind in (POWER.name, NODES.name):
        for fam in sp.families(kind):
            rows = np.arange(fam.start, fam.stop)
            out.append(fam.keys["r"][act[rows] > sp.row_ub[rows] + ROW_TOL])
    return np.unique(np.concatenate(out))


def _counts_mip(sp: SparseProgram, lb, ub, options) -> Optional[np.ndarray]:
    n = sp.family("n")
    integer = np.zeros(sp.ncol, dtype=bool)
    integer[n.start:n.stop] = lb[n.start:n.stop] < ub[n.start:n.stop]
    opts = options()
    res = HighsBackend().solve(sp.replace(col_lb=lb.copy(), col_ub=ub.copy(), integer=integer),
                               SolveOptions(time_limit=opts.time_limit, threads=opts.threads,
                                            seed=opts.seed, grace=opts.grace, gap=COUNTS_GAP))
    if not res.status.has_solution:
        return None
    return np.round(res.x[n.start:n.stop])


def _rounded_choices(sp: SparseProgram, x: np.ndarray, pinned: np.ndarray) -> dict[int, float]:
    """Column -> fixed value: sites (open where the LP opens them), and the
    largest-fraction placement of each job and unsplittable service
    (columns already `pinned` keep their value)."""
    out: dict[int, float] = {}
    op = sp.family("open")
    if op is not None and len(op):
        ids = np.arange(op.start, op.stop)
        ids = ids[~pinned[ids]]
        out.update(zip(ids.tolist(), (x[ids] > OPEN_TINY).astype(float).tolist()))
    for kind, key in (("y", "j"), ("x", "d")):
        fam = sp.family(kind)
        if fam is None or not len(fam):
            continue
        ids = np.arange(fam.start, fam.stop)
        ids = ids[sp.integer[ids]]
        if not len(ids):
            continue
        group = fam.keys[key][ids - fam.start]
        order = np.lexsort((ids, -x[ids], group))  # per group: largest fraction, then first column
        first = np.ones(len(order), dtype=bool)
        first[1:] = group[order][1:] != group[order][:-1]
        chosen = np.zeros(len(ids))
        chosen[order[first]] = 1.0
        out.update(zip(ids.tolist(), chosen.tolist()))
    return out


def _rounded_backups(sp: SparseProgram, x: np.ndarray) -> dict[int, float]:
    """Backup columns z[d,b] (binary, sum_b z = K per demand): the K = round(sum)
    largest LP fractions of each demand to 1 (ties: the first column), the rest 0."""
    fam = sp.family("z")
    if fam is None or not len(fam):
        return {}
    ids = np.arange(fam.start, fam.stop)
    group = fam.keys["d"]
    order = np.lexsort((ids, -x[ids], group))
    want = np.round(np.bincount(group, weights=x[ids]))
    starts = np.searchsorted(group[order], group[order], "left")
    rank = np.arange(len(order)) - starts
    chosen = np.zeros(len(ids))
    chosen[order[rank < want[group[order]]]] = 1.0
    return dict(zip(ids.tolist(), chosen.tolist()))


def _fix(lb: np.ndarray, ub: np.ndarray, values: dict[int, float]) -> None:
    ids = np.fromiter(values.keys(), dtype=np.int64, count=len(values))
    vals = np.fromiter(values.values(), dtype=float, count=len(values))
    lb[ids] = ub[ids] = vals


def _integral(sp: SparseProgram, x: np.ndarray) -> np.ndarray:
    x = np.clip(x, sp.col_lb, sp.col_ub)
    x[sp.integer] = np.round(x[sp.integer])
    return x


def _close_empty_sites(sp: SparseProgram, x: np.ndarray) -> np.ndarray:
    """Open sites where no node stands cost money for nothing: close them
    unless a row (e.g. a require on sites) then fails."""
    op, n = sp.family("open"), sp.family("n")
    if op is None or n is None or not len(op):
        return x
    built = np.zeros(1 + int(max(n.keys["r"].max(initial=0), op.keys["r"].max(initial=0))))
    np.add.at(built, n.keys["r"], x[n.start:n.stop])
    ids = np.arange(op.start, op.stop)
    empty = ids[(x[ids] > 0.5) & (built[op.keys["r"]] == 0)]
    if not len(empty):
        return x
    trial = x.copy()
    trial[empty] = 0.0
    return trial if feasible(sp, trial) else x


def feasible(sp: SparseProgram, x: np.ndarray, tol: float = ROW_TOL) -> bool:
    """Every row and bound holds within tol, integers are integral."""
    act = sp.activity(x)
    if np.any(act < sp.row_lb - tol) or np.any(act > sp.row_ub + tol):
        return False
    if np.any(x < sp.col_lb - tol) or np.any(x > sp.col_ub + tol):
        return False
    return bool(np.all(x[sp.integer] == np.round(x[sp.integer])))
