"""Run the near-optimal solves of §11 after the optimal one (near_optimal.py
says what they are; this module only solves them and makes their plans)."""

from __future__ import annotations

from typing import Optional

from suanli.compiler.ir import Program
from suanli.solver import postsolve
from suanli.solver.backend import Status, get_backend
from suanli.solver.near_start import first_variant_solve
from suanli.solver.near_optimal import Found, NearRequest, alternatives, near_optimal, plan_warnings
from suanli.solver.solve import Outcome, SolveConfig, _options, _report
from suanli.solver.solve_years import report_years
from suanli.solver.sparse import SparseProgram
from suanli.solver.strengthen import with_site_use
from suanli.solver.watchdog import Deadline, owned_tempdir
from suanli.stopwatch import SILENT, Stopwatch


def add_near_optimal(program: Program, outcome: Outcome, config: SolveConfig, req: NearRequest,
                     watch: Stopwatch = SILENT) -> Outcome:
    """The optimal plan with `near_optimal` and/or `alternatives` filled in.
    Nothing is added without an optimal (or feasible) plan to start from.
    Each extra solve gets `--time-limit` (config.time_limit) afresh; without one
    it runs to its gap, as §11 asks ("each value is optimal within the MIP gap")."""
    plan, x = outcome.plan, outcome.x
    sp = with_site_use(outcome.sparse) if outcome.sparse is not None else None  # the MILP the solver sees
    if x is None or plan.objective is None or not outcome.status.has_solution:
        return outcome
    z = float(plan.objective)
    notes: list[str] = []
    if outcome.status is not Status.OPTIMAL:
        notes.append("the optimal solve stopped before proving optimality: the bound B comes from "
                     "the best plan found and may be loose")
    budget = config.time_limit
    run = lambda variant, start: _solve_variant(program, outcome.sparse, variant, config, start, budget)
    update = {}
    if req.metric:
        update["near_optimal"], more = near_optimal(program, sp, x, z, req, run)
        notes += more
        watch.lap("near_optimal", "near-optimal range: minimum and maximum solved")
    if req.alternatives:
        update["alternatives"], more = alternatives(program, sp, x, z, req, run)
        notes += more
        watch.lap("alternatives", f"{len(update['alternatives'])} alternative plan(s)")
    update["warnings"] = plan.warnings + plan_warnings(notes)
    outcome.plan = plan.model_copy(update=update)
    return outcome


def _solve_variant(program: Program, base: SparseProgram, variant: SparseProgram, config: SolveConfig,
                   start, budget: Optional[float]) -> Found:
    """One solve of a variant of the lowered program (same columns, one or two
    more rows, another objective), finished and reported like `solve`'s plan
    (tie-break on the variant's objective, rounding, polish) but without shadow
    prices; its time limit (`budget`) counts afresh."""
    backend = get_backend(config.solver)
    deadline = Deadline(budget)
    with owned_tempdir() as tmp:
        opts = lambda: _options(config, deadline, tmp)
        first = first_variant_solve(backend, variant, opts, start, rounding=program.years is None)
        if not first.status.has_solution:
            return Found(None, status=first.status)
        if program.years is not None:  # finished like solve_years finishes its plan
            return _found(report_years(program, base, variant, first, config), first, budget)
        x = first.x
        tight = first.gap is None or first.gap <= 1.01 * postsolve.TIE_GAP  # as solve._finish_mip
        if (not variant.relaxed and config.tie_break and first.status is Status.OPTIMAL and tight
                and not deadline.expired()):
            better = postsolve.tie_break(backend, variant, first, opts())
            x = x if better is None else better
        if not variant.relaxed:
            x = postsolve.polish(variant, postsolve.round_integers(variant, x), opts(), tie=config.tie_break)
        x = postsolve.settle_sites(variant, x)
    return _found(_report(program, base, x, first, None, config), first, budget)


def _found(outcome: Outcome, first, budget: Optional[float]) -> Found:
    problems = [f"an embedded plan failed verification: {v}" for v in outcome.violations]
    if first.status is Status.FEASIBLE and budget is not None:
        gap = "" if first.gap is None else f", proven within {100 * first.gap:.3g}% (its plan's `gap`)"
        problems.append(f"an extra solve stopped at its time limit of {budget:.3g} s before proving its "
                        f"value{gap}; the value is the best found (--time-limit gives each solve longer)")
    return Found(outcome.x, outcome.plan, first.status, problems)
