"""Branch and bound at scale: over the columns column generation brought in.

At bench L the full MILP (1.76 M columns, 1.45 M rows) is more than HiGHS can
presolve within any CI time limit -- and HiGHS does not poll its time limit or
a cancel there, so a 900 s limit ran to 1,100 s with no plan. When the MIP
start's LPs went by column generation (`--lp columns`, or `auto` at scale) and
a time limit is set, branch and bound therefore runs on the *restricted* MILP:
the columns of the heuristic's last restricted LP plus the plan's own, and the
rows those columns can make bind ("price and branch"). Every plan of it is a
plan of the full program (the other columns at 0); it is not a proof of the
full optimum, so the plan's bound stays the full LP bound column generation
proved, and its status is `optimal` only when the plan is within --gap of it.
Without a time limit, `solve` runs branch and bound on the full program.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from suanli.solver import colgen
from suanli.solver.backend import SolveOptions, SolveResult, Status, gap_of, within_gap
from suanli.solver.heuristics import Start, feasible
from suanli.solver.sparse import SparseProgram


def wanted(start: Start, time_limit: Optional[float]) -> bool:
    return start.columns is not None and start.x is not None and time_limit is not None


def branch_over_columns(backend, mip: SparseProgram, start: Start,
                        options: Callable[[], SolveOptions]) -> SolveResult:
    """The heuristic's plan improved by branch and bound over the restricted MILP."""
    cols = np.union1d(start.columns, np.flatnonzero(start.x))
    sub, cols = colgen.restricted_program(mip, cols)
    res = backend.solve(sub, options(), start=start.x[cols])
    x, objective = start.x, start.objective
    better = _full_point(mip, cols, res)
    if better is not None and _cheaper(mip, better, objective):
        x, objective = better, float(mip.cost @ better + mip.offset)
    status = Status.OPTIMAL if within_gap(objective, start.bound, options()) else Status.FEASIBLE
    return SolveResult(status, x=x, objective=objective, bound=start.bound, gap=gap_of(objective, start.bound),
                       message="branch and bound over the generated columns",
                       stats={"restricted": (len(cols), sub.nrow), "restricted_status": res.status.value})


def _full_point(mip: SparseProgram, cols: np.ndarray, res: SolveResult) -> Optional[np.ndarray]:
    """The restricted answer as a point of the full program, if it is one."""
    if not res.status.has_solution or res.x is None:
        return None
    x = colgen.padded(mip.ncol, cols, res.x)
    x[mip.integer] = np.round(x[mip.integer])
    return x if feasible(mip, x) else None


def _cheaper(mip: SparseProgram, x: np.ndarray, objective: float) -> bool:
    value = float(mip.cost @ x + mip.offset)
    return value < objective if mip.sense == "minimize" else value > objective


def text(res: SolveResult) -> str:
    """--progress: what the restricted branch and bound was and did."""
    cols, rows = res.stats["restricted"]
    return (f"branch and bound over the generated columns ({cols:,} columns, {rows:,} rows; "
            f"{res.stats['restricted_status']}), gap to the LP bound {100 * (res.gap or 0):.3g}%")
