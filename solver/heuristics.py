"""A domain primal heuristic: a good plan before branch and bound starts.

On the strengthened program (strengthen.py), the LP relaxation already says
where to build (its bound is within ~0.1% of the optimum at bench M), so a
plain rounding of it is a good plan, which HiGHS gets as its MIP start:

1. solve the LP relaxation;
2. open every site the LP opens at all (open > OPEN_TINY); each job, and
   each unsplittable service, goes where its largest LP fraction is (ties:
   the first column, i.e. name order of the lowering);
3. re-solve the LP with those fixed (node counts and split services real);
4. node counts up: n = ceil(n_LP); re-solve the LP over the split services;
5. sites left without nodes are closed if every row still holds.

Every step is an LP; if one is infeasible (e.g. caps leave no room for
ceil(n)) the heuristic gives up and says why, and branch and bound starts
without a plan, as it did before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from suanli.solver.backend import SolveOptions, Status
from suanli.solver.highs_backend import HighsBackend
from suanli.solver.sparse import SparseProgram

OPEN_TINY = 1e-6  # an LP site fraction above this opens the site
N_TINY = 1e-6  # ceil(n - N_TINY): an LP count a hair above an integer keeps it
ROW_TOL = 1e-6  # scaled rows (largest |coefficient| in [1, 10))


@dataclass
class Start:
    """What the heuristic found: a plan (`x`, None if it gave up) and the LP bound."""

    x: Optional[np.ndarray]
    objective: Optional[float]  # scaled, offset included
    bound: Optional[float]  # the LP relaxation's optimum (scaled), None if not solved
    message: str


def mip_start(sp: SparseProgram, options: Callable[[], SolveOptions],
              fixed: Optional[dict[int, float]] = None) -> Start:
    """Round the LP relaxation of `sp` (a MILP) to a feasible plan. `fixed`
    (column -> value, e.g. a baseline plan's sites and placements from
    warm_start.py) is kept where the LP stays feasible with it; otherwise
    the plain rounding is tried and the message says so."""
    highs = HighsBackend()
    lp = _solve(highs, sp, sp.col_lb, sp.col_ub, options)
    if lp is None:
        return Start(None, None, None, "the LP relaxation was not solved in time")
    if fixed:
        start = _round(highs, sp, lp, options, fixed)
        if start.x is not None:
            return Start(start.x, start.objective, start.bound, "repaired the baseline plan")
        plain = _round(highs, sp, lp, options, None)
        plain.message = f"the baseline plan could not be repaired; {plain.message}"
        return plain
    return _round(highs, sp, lp, options, None)


def _round(highs: HighsBackend, sp: SparseProgram, lp, options, fixed) -> Start:
    bound = lp.objective
    lb, ub = sp.col_lb.copy(), sp.col_ub.copy()
    if fixed:
        _fix(lb, ub, fixed)
        lp = _solve(highs, sp, lb, ub, options)
        if lp is None:
            return Start(None, None, bound, "the baseline's choices leave no feasible LP")
    _fix(lb, ub, _rounded_choices(sp, lp.x, lb == ub))
    placed = _solve(highs, sp, lb, ub, options)
    if placed is None:
        return Start(None, None, bound, "rounding the LP's sites and placements left no feasible plan")
    final = _round_counts(highs, sp, placed.x, lb, ub, options)
    if final is None:
        return Start(None, None, bound, "rounding the node counts up broke a cap")
    x = _integral(sp, final.x)
    x = _close_empty_sites(sp, x)
    if not feasible(sp, x):
        return Start(None, None, bound, "the rounded plan violates a row beyond tolerance")
    return Start(x, float(sp.cost @ x + sp.offset), bound, "rounded the LP relaxation")


def _round_counts(highs: HighsBackend, sp: SparseProgram, x: np.ndarray, lb, ub, options):
    """n = ceil(n_LP), then the LP over what is still free. If that breaks a
    power or node-count cap, the regions whose cap rows ceil overfills take
    floor(n_LP) instead (the split services move elsewhere), tried once."""
    n = sp.family("n")
    if n is None or not len(n):
        return _solve(highs, sp, lb, ub, options)
    cols = slice(n.start, n.stop)
    up = np.minimum(np.ceil(x[cols] - N_TINY).clip(min=0), sp.col_ub[cols])
    lb[cols] = ub[cols] = up
    final = _solve(highs, sp, lb, ub, options)
    if final is not None:
        return final
    trial = x.copy()
    trial[cols] = up
    over = _overfilled_regions(sp, trial)
    if not len(over):
        return None
    down = np.isin(n.keys["r"], over)
    up[down] = np.floor(x[cols][down] + N_TINY)
    lb[cols] = ub[cols] = up
    return _solve(highs, sp, lb, ub, options)


def _overfilled_regions(sp: SparseProgram, x: np.ndarray) -> np.ndarray:
    act = sp.activity(x)
    out = []
    for kind in ("power", "nodes"):
        for fam in sp.families(kind):
            rows = np.arange(fam.start, fam.stop)
            out.append(fam.keys["r"][act[rows] > sp.row_ub[rows] + ROW_TOL])
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def _solve(highs: HighsBackend, sp: SparseProgram, lb, ub, options):
    lp = sp.replace(col_lb=lb, col_ub=ub, integer=np.zeros(sp.ncol, dtype=bool))
    opts = options()
    if opts.time_limit is not None and opts.time_limit <= 0:
        return None
    res = highs.solve(lp, SolveOptions(time_limit=opts.time_limit, threads=opts.threads,
                                       seed=opts.seed, grace=opts.grace))
    return res if res.status is Status.OPTIMAL else None


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
