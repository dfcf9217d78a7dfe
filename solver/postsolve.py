"""From a solver's answer to clean, deterministic column values.

1. Tie-break (lexicographic second solve): keep the objective within
   1e-8 relative of the first solve's value, then minimise a secondary
   objective that prefers fewer nodes and regions/types earlier in name
   order (weights below). Equal-cost plans thus come out the same whatever
   the solver or run.
2. Round integer columns to exact integers; open a site wherever nodes stand.
   A relaxed program (`--relax`) has no integer columns and its sites are
   LP fractions: nothing is rounded or opened (only |v| < 1e-12 cleared).
3. Polish: with every integer column fixed, re-solve the LP (HiGHS, tight
   tolerances) for the continuous fractions, primary then secondary
   objective, so rows hold to ~1e-12 instead of the MIP's 1e-6.
4. Shadow LP: binaries fixed, node counts real; its duals are the marginal
   values of caps and requires (shadow.py).
5. Relaxed programs only (`settle_sites`): the site row n <= M*open holds
   only to the LP's tolerance, and with a large M (1e6 for a forced region)
   that admits 1e-4 nodes beside open = 0. Each open[r] is raised to
   max_t n[r,t] / M[r,t] (at most a tolerance's worth of site cost), and
   fractions below 1e-9 where no node stands are cleared, so the plan keeps
   "open > 0 wherever nodes > 0" exactly.

Steps 1, 3 and 4 are for integer programs. An LP relaxation (`--relax`)
takes a cheaper road to the same guarantees (`finish_lp`): the first
solve's HiGHS model is kept and re-run warm -- with the tight tolerances
(its duals are the shadow prices), then for the tie-break over the optimal
face -- instead of being re-solved from scratch three times.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from suanli.solver.backend import Backend, SolveOptions, SolveResult, Status
from suanli.solver.families.sites import SITE
from suanli.solver.highs_backend import HighsBackend
from suanli.solver.sparse import Family, SparseProgram
from suanli.tolerances import SAME_REL, ZERO

TIE_REL = 1e-8  # MIP stage: solvers' own row tolerances are ~1e-9 relative
POLISH_REL = 1e-10  # LP stage on HiGHS with 1e-10 tolerances
# The MIP tie-break runs only when the first solve proved its plan within
# TIE_GAP of the optimum: among plans within 1e-8 of an incumbent that may
# be 0.4% above the optimum (a --gap 1e-2 run at bench M), "equal cost" means
# little, and the tie-break's MIP (the objective as a row, gap 1e-9) took
# 130 s there after a 6 s solve.
TIE_GAP = 1e-6


def secondary_cost(sp: SparseProgram) -> np.ndarray:
    """n: 1 + i/N (i = rank of (region, type) by name); open: 1 + i/N;
    x[d,r], y[j,r,t]: (rank of r + 1)/R (+ (rank of t + 1)/(R*T) for y)."""
    w = np.zeros(sp.ncol)
    R = 1 + max((int(f.keys["r"].max(initial=-1)) for f in sp.col_families if "r" in f.keys), default=0)
    T = 1 + max((int(f.keys["t"].max(initial=-1)) for f in sp.col_families if "t" in f.keys), default=0)
    for fam in sp.col_families:
        k = len(fam)
        if fam.kind in ("n", "open"):
            w[fam.start:fam.stop] = 1.0 + np.arange(k) / max(k, 1)
        elif fam.kind in ("x", "z"):  # z: backup copies (§9), by region like x
            w[fam.start:fam.stop] = (fam.keys["r"] + 1) / R
        elif fam.kind == "y":
            w[fam.start:fam.stop] = (fam.keys["r"] + 1) / R + (fam.keys["t"] + 1) / (R * T)
    return w


def objective_row(sp: SparseProgram, value: float, rel: float = TIE_REL) -> SparseProgram:
    """Add `primary objective within rel of value` as a row."""
    body = value - sp.offset
    tol = rel * max(1.0, abs(body))
    cols = np.flatnonzero(sp.cost)
    lb, ub = (-np.inf, body + tol) if sp.sense == "minimize" else (body - tol, np.inf)
    return sp.with_rows(np.zeros(len(cols), dtype=np.int64), cols, sp.cost[cols],
                        np.array([lb]), np.array([ub]), Family("objective", 0, 0))


def tie_break(backend: Backend, sp: SparseProgram, first: SolveResult,
              options: SolveOptions) -> Optional[np.ndarray]:
    tb = objective_row(sp, first.objective)
    tb = tb.replace(cost=secondary_cost(sp), offset=0.0, sense="minimize")
    opts = SolveOptions(**{**options.__dict__, "gap": SAME_REL, "abs_gap": 1e-7})
    start = first.x if backend.NAME == "highs" else None  # CBC mipstarts via PuLP proved unreliable
    res = backend.solve(tb, opts, start=start)
    if not res.status.has_solution or not _no_worse(sp, res.x, first.x):
        return None  # never trade optimality for the tie-break: keep the first solution
    return res.x


def _no_worse(sp: SparseProgram, x: np.ndarray, reference: np.ndarray, rel: float = SAME_REL) -> bool:
    """x's primary objective is within rel of the reference's (or better). Solver row
    tolerances let the tie-break's objective row slip by ~1e-7 relative: too much for
    a plan called optimal (it missed OR-Library cap111's published optimum)."""
    value, best = float(sp.cost @ x), float(sp.cost @ reference)
    slack = rel * max(1.0, abs(best))
    return value <= best + slack if sp.sense == "minimize" else value >= best - slack


def round_integers(sp: SparseProgram, x: np.ndarray) -> np.ndarray:
    x = np.clip(x.copy(), sp.col_lb, sp.col_ub)
    x[sp.integer] = np.round(x[sp.integer])
    n, op = sp.family("n"), sp.family("open")
    if not sp.relaxed and n is not None and op is not None and len(op):
        built = np.zeros(1 + int(n.keys["r"].max(initial=0)))
        np.add.at(built, n.keys["r"], x[n.start:n.stop])
        regions = op.keys["r"]
        has = np.zeros(len(regions), dtype=bool)
        inside = regions < len(built)
        has[inside] = built[regions[inside]] > 0
        x[op.start:op.stop] = np.where(has, 1.0, x[op.start:op.stop])
    x[np.abs(x) < 1e-12] = 0.0
    return x


def _fixed(sp: SparseProgram, x: np.ndarray, mask: np.ndarray) -> SparseProgram:
    lb, ub = sp.col_lb.copy(), sp.col_ub.copy()
    lb[mask] = ub[mask] = x[mask]
    return sp.replace(col_lb=lb, col_ub=ub, integer=np.zeros(sp.ncol, dtype=bool))


def _lp_options(options: SolveOptions) -> SolveOptions:
    return SolveOptions(time_limit=options.time_limit, threads=options.threads, seed=options.seed,
                        feasibility_tol=1e-10, grace=options.grace)


def _solve_lp(lp: SparseProgram, options: SolveOptions, columns: bool,
              seed: Optional[np.ndarray] = None) -> SolveResult:
    """HiGHS on the LP, or column generation (`solve --lp`; colgen_solve.py) at
    the polishing tolerance, started from the columns `seed` (the plan) uses."""
    if not columns:
        return HighsBackend().solve(lp, options)
    from suanli.solver import colgen_solve  # it builds on this module

    return colgen_solve.solve_once(lp, options, tol=POLISH_REL, seed=seed)


def polish(sp: SparseProgram, x: np.ndarray, options: SolveOptions, tie: bool = True,
           columns: bool = False) -> np.ndarray:
    """Re-solve the continuous part with integers fixed; keep x if it fails.
    `columns`: the LPs by column generation (placements fixed at 0 stay out)."""
    if not sp.integer.any() and sp.relaxed is False and not tie:
        return x
    lp = _fixed(sp, x, sp.integer)
    first = _solve_lp(lp, _lp_options(options), columns, seed=x)
    if first.status is not Status.OPTIMAL:
        return x
    best = first.x
    if tie and (~sp.integer).any():
        second = objective_row(lp, first.objective, POLISH_REL).replace(
            cost=secondary_cost(sp), offset=0.0, sense="minimize")
        res = _solve_lp(second, _lp_options(options), columns, seed=first.x)
        if res.status is Status.OPTIMAL:
            best = res.x
    best = best.copy()
    best[sp.integer] = x[sp.integer]
    return np.clip(best, sp.col_lb, sp.col_ub)


def finish_lp(sp: SparseProgram, first: SolveResult, options: Callable[[], SolveOptions],
              tie: bool = True, secondary: Optional[np.ndarray] = None) -> tuple[np.ndarray, Optional[SolveResult]]:
    """An LP (a relaxed program): polish and tie-break warm, on one HiGHS model.

    1. The first solve's model (HiGHS; for another backend, HiGHS solves the
       LP here exactly as the highs backend would) is re-run with 1e-10
       tolerances, from its optimal basis: rows then hold to ~1e-12, as after
       `polish`. Its duals are the LP's shadow prices.
    2. Tie-break (`tie`): the set of optimal solutions of an LP is the
       optimal face, {x feasible : x_j at its bound where the reduced cost
       d_j != 0, row i active where its dual y_i != 0} for any optimal dual
       (complementary slackness). Those columns and rows are fixed, the
       primary objective is kept within POLISH_REL as a row over the rest, and
       the secondary objective is minimised, warm from the same basis. Among
       plans of equal cost the same one comes out on every run, by the
       documented rule; near-ties that cost more are not traded (the slab of
       `objective_row` could buy a better secondary with 1e-10 of cost).
    Returns (x, the result whose duals price the bounds: step 1's, else the
    first solve's); x is the first solve's if a re-run fails (time limit).
    `secondary`: the tie-break's weights when `sp` is a restricted LP without
    families (colgen.py: the full program's `secondary_cost` of its columns).
    """
    highs = HighsBackend()
    fallback = np.clip(first.x, sp.col_lb, sp.col_ub)
    model, duals = first.model, (first if first.row_dual is not None else None)
    first.model = None  # the model is ours to change (and to free) from here
    if model is None:  # CBC's answer: HiGHS solves the same LP as its backend would
        own = highs.solve(sp, options(), keep=True)
        if own.status is not Status.OPTIMAL or own.model is None:
            return fallback, duals
        model, duals = own.model, own
    tight = highs.resolve(model, sp, _lp_options(options()))
    if tight.status is not Status.OPTIMAL or tight.row_dual is None or tight.col_dual is None:
        return fallback, duals
    x = tight.x
    remaining = options().time_limit
    if tie and (remaining is None or remaining > 0):
        weights = secondary_cost(sp) if secondary is None else secondary
        x = _face_tie_break(highs, model, sp, tight, options, weights) if _ties_possible(sp, tight) else x
    return np.clip(x, sp.col_lb, sp.col_ub), tight


def _ties_possible(sp: SparseProgram, res: SolveResult) -> bool:
    """False when the optimum is provably unique: every non-basic column and
    row has a non-zero reduced cost / dual (the dual is non-degenerate), so
    the face is one point. Basic ones have zero duals, so that is: exactly
    nrow columns and rows have |dual| <= ZERO. Then there is nothing to break."""
    loose = int((np.abs(res.col_dual) <= ZERO).sum()) + int((np.abs(res.row_dual) <= ZERO).sum())
    return loose > sp.nrow


def _face_tie_break(highs: HighsBackend, model, sp: SparseProgram, res: SolveResult,
                    options: Callable[[], SolveOptions], weights: np.ndarray) -> np.ndarray:
    """Minimise the secondary objective over the optimal face (finish_lp, step 2)."""
    import highspy

    x, act = res.x, res.row_value
    col_fix = np.flatnonzero(np.abs(res.col_dual) > ZERO)
    at = np.where(x[col_fix] - sp.col_lb[col_fix] <= sp.col_ub[col_fix] - x[col_fix],
                  sp.col_lb[col_fix], sp.col_ub[col_fix])
    at = np.where(np.isfinite(at), at, x[col_fix])
    row_fix = np.flatnonzero(np.abs(res.row_dual) > ZERO)
    side = np.where(act[row_fix] - sp.row_lb[row_fix] <= sp.row_ub[row_fix] - act[row_fix],
                    sp.row_lb[row_fix], sp.row_ub[row_fix])
    side = np.where(np.isfinite(side), side, act[row_fix])
    if len(col_fix):
        model.changeColsBounds(len(col_fix), col_fix.astype(np.int32), at, at)
    if len(row_fix):
        model.changeRowsBounds(len(row_fix), row_fix.astype(np.int32), side, side)
    free = np.ones(sp.ncol, dtype=bool)
    free[col_fix] = False
    body = float(res.objective) - sp.offset
    tol = POLISH_REL * max(1.0, abs(body))
    pinned = float(sp.cost[col_fix] @ at)
    cols = np.flatnonzero(free & (sp.cost != 0))
    lo, hi = ((-highspy.kHighsInf, body - pinned + tol) if sp.sense == "minimize"
              else (body - pinned - tol, highspy.kHighsInf))
    model.addRow(lo, hi, len(cols), cols.astype(np.int32), sp.cost[cols])
    model.changeColsCost(sp.ncol, np.arange(sp.ncol, dtype=np.int32), weights)
    model.changeObjectiveOffset(0.0)
    model.changeObjectiveSense(highspy.ObjSense.kMinimize)
    second = highs.resolve(model, sp, _lp_options(options()))
    if second.status is not Status.OPTIMAL:
        return x
    y = second.x[:sp.ncol]
    primary = float(sp.cost @ y)
    if abs(primary - body) > 2 * tol:  # never trade cost for the tie-break
        return x
    return y


def settle_sites(sp: SparseProgram, x: np.ndarray, tiny: float = ZERO) -> np.ndarray:
    """Relaxed programs: open[r] >= n[r,t] / M[r,t] exactly (nodes <= tiny
    ignored, as the plan drops them); open < tiny without nodes -> 0."""
    op, site = sp.family("open"), sp.family(SITE.name, rows=True)
    if not sp.relaxed or op is None or not len(op):
        return x
    x = x.copy()
    need = np.zeros(len(op))
    if site is not None and len(site):
        pos = -np.ones(1 + int(op.keys["r"].max()), dtype=np.int64)
        pos[op.keys["r"]] = np.arange(len(op))
        n = x[site.keys["n"]]
        frac = np.where(n > tiny, n / site.meta["M"], 0.0)
        np.maximum.at(need, pos[site.keys["r"]], frac)
    cur = x[op.start:op.stop]
    x[op.start:op.stop] = np.minimum(1.0, np.maximum(np.where(cur < tiny, 0.0, cur), need))
    return x


def shadow_lp(sp: SparseProgram, x: np.ndarray, options: SolveOptions,
              columns: bool = False) -> Optional[SolveResult]:
    """Binaries fixed at the plan, node counts real: duals of caps/requires."""
    n = sp.family("n")
    mask = sp.integer.copy()
    if n is not None:
        mask[n.start:n.stop] = False
    res = _solve_lp(_fixed(sp, x, mask), _lp_options(options), columns, seed=x)
    return res if res.status is Status.OPTIMAL and res.row_dual is not None else None
