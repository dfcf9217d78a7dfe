"""The `solve` pipeline: lower, solve, tie-break, polish, report, verify.

Every plan is verified (verify.py) before it is reported; the LP objective
is also compared with the plan's recomputed objective, which catches a
lowering that disagrees with the semantics.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver import colgen, colgen_branch, colgen_solve, heuristics, postsolve, warm_start
from suanli.solver.backend import SolveOptions, SolveResult, Status, gap_of, get_backend, within_gap
from suanli.solver.extract import state_from_solution
from suanli.solver.families.sites import SITE
from suanli.solver.index import Index
from suanli.solver.lower import lower
from suanli.solver.plan import Plan, PlanWarning, normalized
from suanli.solver.report import build_plan, empty_plan
from suanli.solver.shadow import shadow_prices
from suanli.solver.sparse import SparseProgram
from suanli.solver.strengthen import with_site_use
from suanli.solver.verify import verify
from suanli.solver.watchdog import Deadline, owned_tempdir
from suanli.stopwatch import SILENT, Stopwatch
from suanli.tolerances import DEFAULT_GAP, SAME_REL, SOLVER_REL


@dataclass
class SolveConfig:
    solver: str = "highs"
    time_limit: Optional[float] = None
    gap: float = DEFAULT_GAP
    threads: int = 1
    relax: bool = False
    write_lp: Optional[str] = None
    write_mps: Optional[str] = None
    progress: bool = False
    tie_break: bool = True
    explain: bool = True
    grace: float = 1.0  # the watchdog stops a solver that overruns its limit by this much
    started: Optional[float] = None  # time.perf_counter() when the command began: the limit counts from there
    heuristic: bool = True  # the domain MIP start (heuristics.py), HiGHS only
    start_plan: Optional[dict] = None  # a base plan (JSON dict) to repair into the MIP start (warm_start.py)
    lp: str = "auto"  # LP relaxations: "full", "columns" (column generation, colgen.py) or "auto" by size


@dataclass
class Outcome:
    plan: Plan
    status: Status
    violations: list[str] = field(default_factory=list)
    sparse: Optional[SparseProgram] = None
    x: Optional[np.ndarray] = None  # the plan's decisions (near-optimal solves start from them)


def solve_program(program: Program, config: SolveConfig = SolveConfig(), watch: Stopwatch = SILENT) -> Outcome:
    if program.years is not None:  # a multi-year build-out (LANGUAGE.md §8)
        from suanli.solver.solve_years import solve_years
        return solve_years(program, config, watch)
    backend = get_backend(config.solver)
    sp = lower(program, relax=config.relax)
    mip = with_site_use(sp)  # the program the solver sees: §6 + valid site_use rows (not for --relax)
    watch.lap("build", f"built the {'LP' if sp.relaxed else 'MILP'}: {mip.ncol:,} variables, {mip.nrow:,} rows, "
              f"{mip.nnz:,} non-zeros")
    _write_files(mip, config)
    if config.write_lp or config.write_mps:
        watch.lap("write_model", "wrote the model file(s)")
    deadline = Deadline(_budget(config))
    with owned_tempdir() as tmp:
        opts = lambda: _options(config, deadline, tmp)
        if sp.relaxed:
            first = _solve_lp(backend, sp, opts, config)
        else:
            first = first_mip_solve(backend, program, mip, opts, config, watch)
        watch.lap("solver", _solver_text(backend, first))
        if not first.status.has_solution:
            return _no_plan(program, sp, first, config)
        if sp.relaxed:
            x, shadow = _finish_lp(sp, first, opts, config)
        else:
            x, shadow = _finish_mip(backend, (sp, mip), first, opts, config, deadline)
        watch.lap("postsolve", "tie-break, polish and duals")
    outcome = _report(program, sp, x, first, shadow, config)
    watch.lap("report_verify", f"plan extracted and verified ({len(outcome.violations)} violation(s))")
    return outcome


def uses_columns(config: SolveConfig, sp: SparseProgram) -> bool:
    """Column generation for this LP? `--lp columns`, or `auto` on a large
    program with many placements per demand (colgen.worth_it); HiGHS only."""
    if config.solver != "highs" or config.lp == "full":
        return False
    return config.lp == "columns" or colgen.worth_it(sp)


def _solve_lp(backend, sp: SparseProgram, opts, config: SolveConfig) -> SolveResult:
    if uses_columns(config, sp):
        return colgen_solve.solve_lp(sp, opts)
    keep = {"keep": True} if backend.NAME == "highs" else {}  # for warm re-runs
    return backend.solve(sp, opts(), **keep)


def _budget(config: SolveConfig) -> Optional[float]:
    """The time limit left for solving: reading, compiling and building
    (since `config.started`) count against it, so the whole command ends
    within limit + grace + what writing the plan takes."""
    if config.time_limit is None or config.started is None:
        return config.time_limit
    return max(0.0, config.time_limit - (time.perf_counter() - config.started))


def _finish_lp(sp: SparseProgram, first: SolveResult, opts, config: SolveConfig):
    """A relaxed program is an LP: polish and tie-break re-run the first solve's
    HiGHS model warm (postsolve.finish_lp); its duals are the shadow prices."""
    if first.status is Status.OPTIMAL:
        generated = isinstance(first.model, colgen_solve.Generation)
        finish = colgen_solve.finish_lp if generated else postsolve.finish_lp
        x, shadow = finish(sp, first, opts, tie=config.tie_break)
    else:  # stopped at the limit: the answer as it is, no duals
        x, shadow = postsolve.round_integers(sp, first.x), None
    first.model = None
    x = postsolve.settle_sites(sp, x)
    if shadow is not None and shadow.row_dual is None:
        shadow = None
    return x, shadow


def _finish_mip(backend, programs: tuple[SparseProgram, SparseProgram], first: SolveResult, opts,
                config: SolveConfig, deadline: Deadline):
    """The tie-break solves the strengthened MILP (`mip`); polishing and the
    shadow LP fix the integers and solve LPs of the §6 program (`sp`)."""
    sp, mip = programs
    x = first.x
    tight = first.gap is None or first.gap <= 1.01 * postsolve.TIE_GAP
    if config.tie_break and first.status is Status.OPTIMAL and tight and not deadline.expired():
        better = postsolve.tie_break(backend, mip, first, opts())
        x = first.x if better is None else better
    columns = uses_columns(config, sp)
    x = postsolve.round_integers(sp, x)
    x = postsolve.polish(sp, x, opts(), tie=config.tie_break, columns=columns)
    x = postsolve.settle_sites(sp, x)
    shadow = postsolve.shadow_lp(sp, x, opts(), columns=columns)
    return x, shadow


def first_mip_solve(backend, program: Program, mip: SparseProgram, opts, config: SolveConfig,
                    watch: Stopwatch) -> SolveResult:
    """Branch and bound, started (HiGHS) from the domain heuristic's plan.
    If the solver ends without a plan, the heuristic's plan is the answer."""
    if backend.NAME != "highs" or not config.heuristic or not mip.integer.any():
        return backend.solve(mip, opts())
    fixed = warm_start.fixings(program, mip, config.start_plan) if config.start_plan else None
    start = heuristics.mip_start(mip, opts, fixed, columns=uses_columns(config, mip))
    watch.lap("heuristic", _heuristic_text(mip, start))
    if start.x is not None and within_gap(start.objective, start.bound, opts()):
        # branch and bound could only prove what the LP bound already proves (at bench L,
        # HiGHS's own root LP alone outlasts any CI time limit)
        return SolveResult(Status.OPTIMAL, x=start.x, objective=start.objective, bound=start.bound,
                           gap=gap_of(start.objective, start.bound), message="the heuristic's plan, within --gap",
                           stats={"not_started": True})
    if colgen_branch.wanted(start, config.time_limit):
        return colgen_branch.branch_over_columns(backend, mip, start, opts)
    first = backend.solve(mip, opts(), start=start.x)
    if first.status.has_solution and not _trustworthy(mip, first, start.bound):
        # HiGHS 1.16 with a MIP start and presolve answered "optimal" with an objective below the LP
        # bound that its own point does not have
        # (tests/test_solver_milp_start.py::test_a_bad_answer_with_a_start_is_solved_again)
        watch.lap("solver_retry", "the solver's answer with the MIP start does not add up: solved again without it")
        first = backend.solve(mip, opts())
    bound = _best_bound(mip, first.bound, start.bound)
    beaten = first.status is Status.FEASIBLE and not _no_worse(mip, first.objective, start.objective or 0.0)
    if start.x is not None and (not first.status.has_solution or beaten):
        first = SolveResult(Status.FEASIBLE, x=start.x, objective=start.objective, message="the heuristic's plan")
    if first.status is Status.FEASIBLE and bound is not None:  # stopped early: the best bound proven
        first.bound, first.gap = bound, gap_of(first.objective, bound)
    return first


def _trustworthy(sp: SparseProgram, res: SolveResult, lp_bound: Optional[float], rel: float = SOLVER_REL) -> bool:
    """The answer's point satisfies the program, its objective is what the solver
    says, and it does not beat the LP relaxation's bound."""
    recomputed = float(sp.cost @ res.x + sp.offset)
    tol = rel * max(1.0, abs(recomputed))
    if res.objective is not None and abs(res.objective - recomputed) > tol:
        return False
    if lp_bound is not None and np.isfinite(lp_bound):
        beats = recomputed < lp_bound - tol if sp.sense == "minimize" else recomputed > lp_bound + tol
        if beats:
            return False
    return _satisfies(sp, res.x, rel)


def _satisfies(sp: SparseProgram, x: np.ndarray, rel: float = SOLVER_REL) -> bool:
    """x within the rows, bounds and integrality (scaled units, 1e-6 relative)."""
    act = sp.activity(x)
    slack_lo = np.where(np.isfinite(sp.row_lb), act - sp.row_lb, 0.0)
    slack_hi = np.where(np.isfinite(sp.row_ub), sp.row_ub - act, 0.0)
    tol = rel * (1.0 + np.abs(act))
    ints = x[sp.integer]
    return bool((slack_lo >= -tol).all() and (slack_hi >= -tol).all()
                and (x >= sp.col_lb - rel).all() and (x <= sp.col_ub + rel).all()
                and (np.abs(ints - np.round(ints)) <= rel).all())


def _best_bound(sp: SparseProgram, *bounds) -> Optional[float]:
    """The tightest valid bound: the solver's, or the heuristic's LP relaxation
    (valid too; HiGHS stopped inside its root has only a trivial bound)."""
    ok = [b for b in bounds if b is not None and np.isfinite(b)]
    if not ok:
        return None
    return max(ok) if sp.sense == "minimize" else min(ok)


def _no_worse(sp: SparseProgram, value: float, reference: float, rel: float = SAME_REL) -> bool:
    slack = rel * max(1.0, abs(reference))
    return value <= reference + slack if sp.sense == "minimize" else value >= reference - slack


def _heuristic_text(sp: SparseProgram, start: heuristics.Start) -> str:
    if start.x is None:
        return f"heuristic: no MIP start ({start.message}); branch and bound starts without a plan"
    gap = gap_of(start.objective, start.bound)
    cost = start.objective * sp.obj_scale
    return (f"heuristic: {start.message}: a plan at {cost:.10g}"
            + (f", {100 * gap:.3g}% above the LP bound" if gap is not None else "") + "; MIP start")


def _solver_text(backend, res: SolveResult) -> str:
    if "restricted" in res.stats:
        return f"{backend.NAME}: " + colgen_branch.text(res)
    if res.stats.get("not_started"):
        return f"{backend.NAME}: not started, the heuristic's plan is within --gap" + _gap_text(res)
    return f"{backend.NAME}: {res.status.value}" + _gap_text(res)


def _gap_text(res: SolveResult) -> str:
    text = f", gap {100 * res.gap:.3g}%" if res.gap is not None else ""
    return text + colgen_solve.stats_text(res.stats)


def _options(config: SolveConfig, deadline: Deadline, tmp: str) -> SolveOptions:
    return SolveOptions(time_limit=deadline.remaining(), gap=config.gap, threads=config.threads,
                        progress=config.progress, grace=config.grace, tmpdir=tmp)


def _write_files(sp: SparseProgram, config: SolveConfig) -> None:
    from suanli.solver.highs_backend import write_model

    for path, fmt in ((config.write_lp, "lp"), (config.write_mps, "mps")):
        if path:
            write_model(sp, path, fmt)


def _report(program, sp, x, first: SolveResult, shadow, config) -> Outcome:
    ix = Index(program)
    state = state_from_solution(program, sp, x)
    status = "optimal" if first.status is Status.OPTIMAL else "feasible"
    plan = build_plan(program, state, status, config.solver, config.relax, first.gap, ix)
    plan.warnings += _solver_warnings(sp, x)
    if shadow is not None:
        plan.shadow_prices = shadow_prices(program, sp, shadow.row_dual, shadow.col_dual, shadow.x)
    plan = normalized(plan)
    violations = verify(program, plan) + objective_check(program, sp, x, plan)
    return Outcome(plan, first.status, violations, sp, x)


def objective_check(program: Program, sp: SparseProgram, x: np.ndarray, plan: Plan) -> list[str]:
    lp = sp.objective_value(x) / program.objective.dimension.unit_scale
    if plan.objective is None or abs(lp - plan.objective) > SOLVER_REL * max(1.0, abs(lp)):
        return [f"internal: the LP objective {lp:.9g} disagrees with the plan's {plan.objective}"]
    return []


def _solver_warnings(sp: SparseProgram, x: np.ndarray) -> list[PlanWarning]:
    out = [PlanWarning(code="S001", message=note) for note in sp.notes]
    site = next((f for f in sp.row_families if f.kind == SITE.name), None)
    if site is not None and site.meta["fallback"].any():
        n_cols = site.keys["n"]
        hit = site.meta["fallback"] & (x[n_cols] >= site.meta["M"] - 0.5)
        if hit.any():
            out.append(PlanWarning(code="S002", message="a node count reached the internal site bound M; "
                                   "the spec may be unbounded in node counts"))
    return out


def _no_plan(program: Program, sp: SparseProgram, res: SolveResult, config: SolveConfig) -> Outcome:
    plan = no_plan(program, sp, res, config, "no plan meets every require and constraint")
    plan.warnings += [PlanWarning(code="S001", message=n) for n in sp.notes]
    return Outcome(normalized(plan), res.status, [], sp)


def no_plan(program: Program, sp: SparseProgram, res: SolveResult, config: SolveConfig, infeasible: str) -> Plan:
    """The plan of a solve without a solution: its status, why (`infeasible` says it for
    an infeasible program) and, when infeasible, the explanation (explain.py)."""
    status = {Status.INFEASIBLE: "infeasible", Status.TIME_LIMIT: "time_limit"}.get(res.status, "error")
    message = {
        Status.INFEASIBLE: infeasible,
        Status.UNBOUNDED: "the objective is unbounded: it improves without limit",
        Status.TIME_LIMIT: "the time limit was reached before a feasible plan was found",
    }.get(res.status, f"the solver failed: {res.message}")
    plan = empty_plan(program, status, config.solver, config.relax, message)
    if res.status is Status.INFEASIBLE and config.explain:
        from suanli.solver.explain import explain_sparse

        plan.infeasibility = explain_sparse(program, sp, time_limit=config.time_limit)
    return plan
