"""A first answer for each near-optimal solve (§11) before branch and bound.

Measured at bench M (bench/RESULTS.md, "Near-optimal solves at M"): handed only
the optimal plan as a MIP start, HiGHS spent its whole limit at the root of a
near-optimal program without finding a better plan, although the program's LP
relaxation is close to the MILP's optimum (max compute(west): LP 7,144, the
rounded LP 7,124, while branch and bound stayed at the optimal plan's 5,027).
The objective (a metric, or a SPORES score) is indifferent to cost below B,
which leaves HiGHS's own heuristics without a direction. So, as `solve` does
for the plain program (heuristics.py):

1. the LP relaxation of the variant, its objective nudged by 1e-4 of the slack
   row's objective towards the cheaper plan (the unnudged LP of a metric is
   highly degenerate: 2-5x slower at M). The nudge is bounded because the
   slack row caps the objective, so the LP still gives a valid bound:
   metric(x) >= LP - EPS * cap (minimising; + when maximising);
2. sites and placements rounded as heuristics.py rounds them, node counts up;
3. rounding up costs money: if a row this module added (the slack row, the
   SPORES score row) is then exceeded, that row is tightened in the LP by
   1.25 x the excess and steps 2-3 are repeated (warm, a few pivots each);
   the plan is checked against the variant as given.

The better of this plan and the optimal plan starts branch and bound, which
is skipped when the start is already within the solve's gap of the LP bound
(HiGHS would stop at its root with the same proof), or when the time left is
less than ROOT_FACTOR x what the rounding took (branch and bound could not
get past its root: the rounded plan is the answer, with its proven gap).
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from suanli.solver import heuristics
from suanli.solver.backend import SolveOptions, SolveResult, Status, gap_of, within_gap
from suanli.solver.heuristics import Start, WarmLP
from suanli.solver.solve import _best_bound, _no_worse, _trustworthy
from suanli.solver.sparse import SparseProgram

EPS = 1e-4  # the nudge towards the cheaper plan, relative to the largest objective coefficient
ADDED_ROWS = ("slack", "score")  # rows of near_optimal.py that rounding may need room in
TIGHTEN = 1.25  # room made in an exceeded added row, times its excess
TRIES = 4  # roundings before giving up (each a warm LP re-solve)
# Branch and bound needs presolve and its root LP before it can stop at a time limit
# (HiGHS overran a 5.8 s limit by 3-5 s at M; its root took 3-4x the rounding's time).
# With less than ROOT_FACTOR x the rounding's time left it is not started.
ROOT_FACTOR = 4.0


def rounded_start(variant: SparseProgram, options: Callable[[], SolveOptions]) -> Start:
    """A plan for `variant` (a near-optimal program) from its LP relaxation, and
    that LP's bound on the variant's objective; Start.x is None if rounding fails."""
    nudged, loss = _nudged(variant)
    lps = WarmLP(nudged, options)
    lp = lps.solve(variant.col_lb, variant.col_ub)
    if lp is None:
        return Start(None, None, None, f"the LP relaxation ended {lps.status}")
    bound = lp.objective - loss if variant.sense == "minimize" else lp.objective + loss
    lb, ub = variant.col_lb.copy(), variant.col_ub.copy()
    heuristics._fix(lb, ub, heuristics._rounded_choices(variant, lp.x, lb == ub))
    row_ub = nudged.row_ub.copy()
    for _ in range(TRIES):
        placed = lps.solve(lb, ub)
        if placed is None:
            return Start(None, None, bound, "rounding the LP's sites and placements left no feasible plan")
        x = heuristics._close_empty_sites(variant, _rounded_counts(lps, variant, placed.x, lb, ub))
        if heuristics.feasible(variant, x):
            x = _dive(lps, variant, x, lb, ub)
            return Start(x, float(variant.cost @ x + variant.offset), bound, "rounded the LP relaxation")
        if not _make_room(lps, variant, x, row_ub):
            return Start(None, None, bound, "rounding up node counts breaks a cap or a require")
    return Start(None, None, bound, f"rounding up node counts still exceeds the bound after {TRIES} tries")


def _rounded_counts(lps: WarmLP, variant: SparseProgram, x: np.ndarray, lb: np.ndarray,
                    ub: np.ndarray) -> np.ndarray:
    """Node counts rounded up; where that overfills a region's power or node cap,
    rounded down there instead and the LP re-solved over the split fractions
    (as heuristics._round_counts does first; its counts MIP is too slow here)."""
    up = heuristics._ceil_counts(variant, x)
    n = variant.family("n")
    over = heuristics._overfilled_regions(variant, up)
    if n is None or not len(over):
        return up
    cols = np.arange(n.start, n.stop)
    down = np.isin(n.keys["r"], over)
    lb2, ub2 = lb.copy(), ub.copy()
    lb2[cols] = ub2[cols] = np.where(down, np.floor(x[cols] + heuristics.N_TINY).clip(min=0), up[cols])
    again = lps.solve(lb2, ub2)
    return up if again is None else heuristics._integral(variant, again.x)


def _dive(lps: WarmLP, variant: SparseProgram, x: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """A better plan than x (a rounded plan), or x: the node counts the
    objective does not price fixed at x's, the priced ones free to move only in
    the improving direction from x's, the LP re-solved (all rows as given) and
    its counts rounded up again. Rounding up elsewhere left spare capacity that
    the priced counts (e.g. the west's, minimising compute(west)) can give back."""
    n = variant.family("n")
    if n is None or not len(n):
        return x
    cols = np.arange(n.start, n.stop)
    coef = variant.cost[cols] * (1.0 if variant.sense == "minimize" else -1.0)
    if not (coef != 0).any():
        return x
    lb2, ub2 = lb.copy(), ub.copy()
    lb2[cols] = np.where(coef < 0, x[cols], np.where(coef == 0, x[cols], lb[cols]))
    ub2[cols] = np.where(coef > 0, x[cols], np.where(coef == 0, x[cols], ub[cols]))
    lps.model.changeRowsBounds(variant.nrow, np.arange(variant.nrow, dtype=np.int32),
                               np.clip(variant.row_lb, -1e30, 1e30), np.clip(variant.row_ub, -1e30, 1e30))
    again = lps.solve(lb2, ub2)
    if again is None:
        return x
    better = heuristics._close_empty_sites(variant, heuristics._ceil_counts(variant, again.x))
    if not heuristics.feasible(variant, better) or not _no_worse(variant, float(variant.cost @ better),
                                                                  float(variant.cost @ x)):
        return x
    return better


def _nudged(variant: SparseProgram) -> tuple[SparseProgram, float]:
    """The variant with EPS x (slack row's objective / its largest coefficient)
    added to its objective in the direction of a cheaper plan, and the most
    that can move the optimum (EPS x the row's cap, same scaling); unchanged
    (loss 0) without a slack row capping the objective from above."""
    fam = variant.family("slack", rows=True)
    if fam is None or not np.isfinite(variant.row_ub[fam.start]) or np.isfinite(variant.row_lb[fam.start]):
        return variant, 0.0
    lo, hi = variant.indptr[fam.start], variant.indptr[fam.start + 1]
    cols, coef = variant.indices[lo:hi], variant.values[lo:hi]
    top = float(np.abs(coef).max(initial=0.0))
    if top <= 0:
        return variant, 0.0
    sign = 1.0 if variant.sense == "minimize" else -1.0
    cost = variant.cost.copy()
    cost[cols] += sign * EPS * coef / top
    return variant.replace(cost=cost), abs(EPS * float(variant.row_ub[fam.start]) / top)


def _make_room(lps: WarmLP, variant: SparseProgram, x: np.ndarray, row_ub: np.ndarray) -> bool:
    """Tighten each added row that x exceeds (by TIGHTEN x the excess) in the
    warm LP model; False when another row objects (nothing to tighten)."""
    act = variant.activity(x)
    excess = act - variant.row_ub - heuristics.ROW_TOL
    added = np.zeros(variant.nrow, dtype=bool)
    for kind in ADDED_ROWS:
        for fam in variant.families(kind):
            added[fam.start:fam.stop] = True
    bad = excess > 0
    if not bad.any() or (bad & ~added).any() or np.any(act < variant.row_lb - heuristics.ROW_TOL):
        return False
    rows = np.flatnonzero(bad)
    rounding = act[rows] - row_ub[rows]  # what rounding added to the LP's row value (it sat at row_ub)
    row_ub[rows] = np.minimum(row_ub[rows], variant.row_ub[rows] - TIGHTEN * rounding)
    lps.model.changeRowsBounds(len(rows), rows.astype(np.int32), np.clip(variant.row_lb[rows], -1e30, 1e30),
                               row_ub[rows])
    return True


def first_variant_solve(backend, variant: SparseProgram, opts: Callable[[], SolveOptions],
                        plan_start: np.ndarray, rounding: bool = True) -> SolveResult:
    """Branch and bound on `variant` from the better of `plan_start` (the optimal
    plan, feasible for every variant) and the rounded LP (HiGHS only: CBC gets
    no start); none when that start is already within the gap of the LP bound."""
    if backend.NAME != "highs" or variant.relaxed or not variant.integer.any():
        return backend.solve(variant, opts(), start=plan_start if backend.NAME == "highs" else None)
    began = time.monotonic()
    start = rounded_start(variant, opts) if rounding else Start(None, None, None, "not tried")
    x, value = _better(variant, plan_start, start)
    if within_gap(value, start.bound, opts()):
        return SolveResult(Status.OPTIMAL, x=x, objective=value, bound=start.bound,
                           gap=gap_of(value, start.bound), message="the rounded LP relaxation is within the gap")
    left = opts().time_limit
    if left is not None and left < ROOT_FACTOR * (time.monotonic() - began):
        return SolveResult(Status.FEASIBLE, x=x, objective=value, bound=start.bound,
                           gap=gap_of(value, start.bound), message="no time left for branch and bound")
    first = backend.solve(variant, opts(), start=x)
    if first.status.has_solution and not _trustworthy(variant, first, start.bound):
        first = backend.solve(variant, opts())  # see solve.first_mip_solve: HiGHS 1.16 with a start
    if not first.status.has_solution or not _no_worse(variant, first.objective, value):
        # a start better than an answer proven within the gap is within it too
        proven = first.status is Status.OPTIMAL
        first = SolveResult(Status.OPTIMAL if proven else Status.FEASIBLE, x=x, objective=value,
                            bound=first.bound if proven else None,
                            gap=gap_of(value, first.bound) if proven else None, message="the best start")
    bound = _best_bound(variant, first.bound, start.bound)
    if first.status is Status.FEASIBLE and bound is not None:
        first.bound, first.gap = bound, gap_of(first.objective, bound)
    return first


def _better(variant: SparseProgram, plan_start: np.ndarray, start: Start) -> tuple[np.ndarray, float]:
    value = float(variant.cost @ plan_start + variant.offset)
    if start.x is None or not _no_worse(variant, start.objective, value):
        return plan_start, value
    return start.x, start.objective
