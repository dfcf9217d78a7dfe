"""Column generation rounds (colgen.py's restricted LP) and the tie-break over
the full LP's optimal face.

`solve_lp` returns a SolveResult of the FULL program: x (0 for columns left
out), row duals (0 for rows left out), reduced costs of every column
(priced for the ones left out); `result.model` is the Restricted LP, which
`finish_lp` continues from as postsolve.finish_lp does from a HiGHS model.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from suanli.solver import postsolve
from suanli.solver.backend import SolveOptions, SolveResult, Status
from suanli.solver.colgen import (ADD_PER_GROUP, DUAL_TOL, FIRST_PER_GROUP, Groups, Restricted, clip_bounds,
                                  columns_rows_need, csr_of, estimate, first_k, implied_rows,
                                  padded, placement_groups)
from suanli.solver.highs_backend import HighsBackend
from suanli.solver.sparse import SparseProgram
from suanli.tolerances import ZERO

ROUND_COLUMNS = 1000  # a round adds up to this many columns when few groups improve
GROWTH = 4  # an infeasible restricted LP: this many times the candidates per group


class Generation:
    """One column generation: the restricted LP, the groups and the ranking."""

    def __init__(self, sp: SparseProgram, lb: Optional[np.ndarray] = None, ub: Optional[np.ndarray] = None,
                 seed: Optional[np.ndarray] = None):
        if lb is not None:  # the heuristic's fixings: bounds of the same program
            sp = sp.replace(col_lb=lb, col_ub=ub)
        self.sp = sp.replace(integer=np.zeros(sp.ncol, dtype=bool))
        self.groups = placement_groups(self.sp)
        self.sign = -1.0 if sp.sense == "maximize" else 1.0
        self.k = FIRST_PER_GROUP
        outside = np.zeros(sp.ncol, dtype=bool)
        outside[self.groups.cols] = True
        A = csr_of(self.sp)
        self.score = estimate(self.sp, A, outside)[self.groups.cols]
        start = np.concatenate([np.flatnonzero(~outside), first_k(self.groups, self.score, self.k),
                                _seeded(seed, self.sp)])
        col_in = np.zeros(sp.ncol, dtype=bool)
        col_in[start] = True
        start = np.concatenate([start, columns_rows_need(self.sp, A, col_in)])
        self.rs = Restricted.start(self.sp, start, A)
        self.stub = self.sp.replace(integer=np.zeros(1, dtype=bool))  # what HighsBackend.resolve reads
        self.highs = HighsBackend()

    def set_bounds(self, lb: np.ndarray, ub: np.ndarray) -> None:
        """New column bounds (the heuristic's fixings, within the program's
        own bounds or not): a column left out that must be > 0 comes in, and a
        row left out that the new bounds no longer imply comes back."""
        loosened = bool(np.any(lb < self.sp.col_lb) or np.any(ub > self.sp.col_ub))
        self.sp = self.rs.sp = self.sp.replace(col_lb=lb.copy(), col_ub=ub.copy())
        rs = self.rs
        rs.model.changeColsBounds(len(rs.cols), np.arange(len(rs.cols), dtype=np.int32),
                                  clip_bounds(lb[rs.cols]), clip_bounds(ub[rs.cols]))
        if loosened:
            lost = ~rs.row_in & ~implied_rows(self.sp, rs.A, rs.col_in)
            if lost.any():
                rs.add_rows(np.flatnonzero(lost))
        rs.add(self.groups.cols[(lb[self.groups.cols] > 0) & ~rs.col_in[self.groups.cols]])

    def all_in(self) -> bool:
        return bool(self.rs.col_in.all())

    def improving(self, d: np.ndarray, tol: float) -> np.ndarray:
        """Columns left out whose reduced cost improves, the most improving
        ADD_PER_GROUP per group -- more when few groups have any (bench L's
        last rounds: one job's y columns, 20 a round, 15 rounds of ~1 s)."""
        g = self.groups
        out = ~self.rs.col_in[g.cols]
        dd = self.sign * d[g.cols]
        bad = out & (dd < -tol) & (self.sp.col_ub[g.cols] > 0)  # left out = at 0: it can only rise
        if not bad.any():
            return np.zeros(0, dtype=np.int64)
        groups = len(np.unique(g.group[bad]))
        quota = max(ADD_PER_GROUP, -(-ROUND_COLUMNS // groups))
        return first_k(Groups(g.cols[bad], g.group[bad]), dd[bad], quota)

    def grow(self) -> None:
        """More candidates per group (an infeasible restricted LP)."""
        self.k *= GROWTH
        self.rs.add(first_k(self.groups, self.score, self.k))

    def round(self, opts: SolveOptions, tol: float) -> tuple[SolveResult, Optional[np.ndarray]]:
        """Solve the restricted LP; (its result, the columns to add: None when
        the result is final -- optimal for the full LP, or not optimal)."""
        res = self.highs.resolve(self.rs.model, self.stub, opts)
        self.rs.rounds += 1
        if res.status is Status.OPTIMAL and res.row_dual is not None:
            _, d = self.rs.full_duals(res)
            add = self.improving(d, tol)
            return res, (add if len(add) else None)
        return res, None


def _seeded(seed: Optional[np.ndarray], sp: SparseProgram) -> np.ndarray:
    """The columns a known point uses (that may be > 0): where the optimum likely is."""
    if seed is None:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero((seed != 0) & (sp.col_ub > 0))


def solve_lp(sp: SparseProgram, options: Callable[[], SolveOptions], lb=None, ub=None,
             tol: float = DUAL_TOL, seed: Optional[np.ndarray] = None) -> SolveResult:
    """The LP of `sp` (integrality ignored; `lb`/`ub` replace its column bounds).
    `seed`: a point whose non-zero columns start in the restricted LP (polishing
    a plan: its own placements), which saves rounds; the optimum is the same."""
    gen = Generation(sp, lb, ub, seed)
    return run(gen, options, tol)


def solve_once(sp: SparseProgram, options: SolveOptions, tol: float = DUAL_TOL,
               seed: Optional[np.ndarray] = None) -> SolveResult:
    """solve_lp with fixed options: their time limit counts down over the rounds."""
    from dataclasses import replace

    from suanli.solver.watchdog import Deadline

    deadline = Deadline(options.time_limit)
    result = solve_lp(sp, lambda: replace(options, time_limit=deadline.remaining()), tol=tol, seed=seed)
    result.model = None
    return result


def run(gen: Generation, options: Callable[[], SolveOptions], tol: float = DUAL_TOL) -> SolveResult:
    """Rounds until no column improves (or a stop): the full program's result."""
    last = None  # the last restricted optimum: a feasible point of the full program
    while True:
        opts = options()
        if opts.time_limit is not None and opts.time_limit <= 0:
            return _stopped(gen, last)
        res, add = gen.round(opts, tol)
        if add is not None:
            last = res
            gen.rs.add(add)
            continue
        if res.status is Status.INFEASIBLE and not gen.all_in():
            gen.grow()
            continue
        if res.status is Status.INFEASIBLE:  # every column in: the full LP's verdict
            return _verdict(gen, options)
        if res.status in (Status.TIME_LIMIT, Status.FEASIBLE) and res.x is None and last is not None:
            return _stopped(gen, last)  # stopped inside a round: the round before's point
        return full_result(gen, res)


def _stopped(gen: Generation, last: Optional[SolveResult]) -> SolveResult:
    """At the time limit between rounds: the last restricted optimum, feasible
    for the full program (its x padded with 0), but not proven optimal."""
    if last is None:
        return SolveResult(Status.TIME_LIMIT, message="the time limit was reached before the LP was solved",
                           stats=_stats(gen))
    x = padded(gen.sp.ncol, gen.rs.cols[:len(last.x)], last.x)  # columns added after `last` are at 0
    return SolveResult(Status.FEASIBLE, x=x, objective=last.objective, row_value=gen.sp.activity(x),
                       message="stopped at the time limit between column generation rounds", stats=_stats(gen))


def _verdict(gen: Generation, options) -> SolveResult:
    """With every column in, the restricted LP is the full one (less rows its
    bounds imply): HiGHS's "infeasible" stands; "infeasible or unbounded" is
    settled by HighsBackend on the full program (a feasibility solve)."""
    import highspy

    if gen.rs.model.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
        return SolveResult(Status.INFEASIBLE, message="infeasible", stats=_stats(gen))
    res = HighsBackend().solve(gen.sp, options())
    res.stats.update(_stats(gen))
    return res


def _stats(gen: Generation) -> dict:
    rs = gen.rs
    return {"colgen_rounds": rs.rounds, "colgen_columns": (len(rs.cols), gen.sp.ncol),
            "colgen_rows": (len(rs.rows), gen.sp.nrow)}


def stats_text(stats: dict) -> str:
    """What --progress says of a column generation ('' for another solve)."""
    if "colgen_rounds" not in stats:
        return ""
    (cols, ncol), (rows, nrow) = stats["colgen_columns"], stats["colgen_rows"]
    return (f" (column generation: {stats['colgen_rounds']} rounds, {cols:,} of {ncol:,} columns,"
            f" {rows:,} of {nrow:,} rows)")


def full_result(gen: Generation, res: SolveResult) -> SolveResult:
    """The restricted result as one of the full program (see module doc)."""
    rs, sp = gen.rs, gen.sp
    out = SolveResult(res.status, objective=res.objective, bound=res.bound, gap=res.gap,
                      message=res.message, stats=_stats(gen))
    if res.x is not None:
        out.x = padded(sp.ncol, rs.cols, res.x)
        out.row_value = sp.activity(out.x)
    if res.status is Status.OPTIMAL and res.row_dual is not None:
        out.row_dual, out.col_dual = rs.full_duals(res)
        out.model = gen
    elif res.status is Status.OPTIMAL:
        out.status = Status.FEASIBLE  # no duals: optimality not proven
    if out.status is Status.FEASIBLE:
        out.bound = out.gap = None
    return out


def face_columns(gen: Generation, d: np.ndarray) -> np.ndarray:
    """Columns left out with |reduced cost| <= ZERO: they may be non-zero on the optimal face."""
    g = gen.groups
    out = g.cols[~gen.rs.col_in[g.cols]]
    return out[np.abs(d[out]) <= ZERO]


def finish_lp(sp: SparseProgram, first: SolveResult, options: Callable[[], SolveOptions],
              tie: bool = True) -> tuple[np.ndarray, Optional[SolveResult]]:
    """postsolve.finish_lp for a column generation result: the tight re-run
    priced again (1e-10), the face columns added, then the restricted LP --
    now holding the full LP's optimal face -- polished and tie-broken."""
    gen: Generation = first.model
    first.model = None
    fallback = np.clip(first.x, sp.col_lb, sp.col_ub)
    tight_opts = lambda: postsolve._lp_options(options())
    while True:
        tight = run(gen, tight_opts, tol=postsolve.POLISH_REL)
        if tight.status is not Status.OPTIMAL:
            return fallback, first
        face = face_columns(gen, tight.col_dual)
        if not len(face):
            break
        gen.rs.add(face)
    sub, rs = gen.rs.program(), gen.rs
    sub_first = SolveResult(Status.OPTIMAL, x=tight.x[rs.cols], objective=tight.objective,
                            row_dual=tight.row_dual[rs.rows], col_dual=tight.col_dual[rs.cols],
                            row_value=tight.row_value[rs.rows], model=rs.model)
    weights = postsolve.secondary_cost(sp)[rs.cols]
    x_sub, shadow = postsolve.finish_lp(sub, sub_first, options, tie=tie, secondary=weights)
    x = padded(sp.ncol, rs.cols, x_sub)
    if shadow is not None and shadow.row_dual is not None:
        shadow = _full_shadow(gen, shadow)
    return np.clip(x, sp.col_lb, sp.col_ub), (shadow if shadow is not None else tight)


def _full_shadow(gen: Generation, shadow: SolveResult) -> SolveResult:
    y, d = gen.rs.full_duals(shadow)
    x = padded(gen.sp.ncol, gen.rs.cols, shadow.x)
    return SolveResult(Status.OPTIMAL, x=x, objective=shadow.objective, row_dual=y, col_dual=d,
                       row_value=gen.sp.activity(x), stats=dict(shadow.stats))
