"""Solving a robust program: the `solve` pipeline on the stacked program (robust.py).

Solve, tie-break (same secondary objective: fewer nodes, earlier names), round,
polish, then split the answer into one sub-plan per scenario, each built and
verified exactly like a single plan (report.py, verify.py). The stacked
objective is checked against the robust objective recomputed from the
sub-plans. An infeasible stack is explained with the elastic copy of
explain.py, each relaxed group named with the scenario whose row it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver import postsolve
from suanli.solver.backend import SolveOptions, Status, get_backend
from suanli.solver.extract import state_from_solution
from suanli.solver.index import Index
from suanli.solver.lower import lower
from suanli.solver.plan import Infeasibility, Plan, PlanWarning, normalized
from suanli.solver.report import build_plan
from suanli.solver.robust import Stack, robust_objective, stack
from suanli.solver.solve import _budget
from suanli.solver.verify import verify
from suanli.solver.watchdog import Deadline, owned_tempdir
from suanli.solver.year_lower import lower_years
from suanli.solver.year_report import build_year_plan, decisions
from suanli.tolerances import DEFAULT_GAP, SOLVER_REL


@dataclass
class RobustOutcome:
    names: list[str]
    status: Status
    plans: list[Plan] = field(default_factory=list)  # one per scenario (empty without a solution)
    objective: Optional[float] = None
    gap: Optional[float] = None
    violations: list[str] = field(default_factory=list)
    infeasibility: list[Infeasibility] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def solve_robust(programs: list[Program], names: list[str], config, objective: str = "mean") -> RobustOutcome:
    """`config` is a solve.SolveConfig; `names` label the scenarios (`base` for the base spec)."""
    backend = get_backend(config.solver)
    years = programs[0].years is not None
    st = stack([lower_any(p, config.relax) for p in programs], objective)
    deadline = Deadline(_budget(config))  # compiling the scenarios counts against --time-limit, as in solve
    with owned_tempdir() as tmp:
        opts = lambda: SolveOptions(time_limit=deadline.remaining(), gap=config.gap, threads=config.threads,
                                    progress=config.progress, grace=config.grace, tmpdir=tmp)
        warm = st.sp.relaxed and backend.NAME == "highs" and not years
        first = backend.solve(st.sp, opts(), **({"keep": True} if warm else {}))  # warm LP re-runs
        if not first.status.has_solution:
            first.model = None
            out = RobustOutcome(names, first.status, notes=list(st.sp.notes))
            if first.status is Status.INFEASIBLE and config.explain:
                out.infeasibility = explain_stack(programs, names, st, config.time_limit)
            return out
        if years:  # as solve_years: the answer as it is, integers rounded, sites settled
            x = _finish_years(st, first)
        elif st.sp.relaxed:
            x = _finish_lp(st, first, opts, config)
        else:
            x = _finish_mip(backend, st, first, opts, config, deadline)
    return _report(programs, names, st, x, first, config)


def lower_any(program: Program, relax: bool = False):
    """The lowered program of one scenario: single-period or multi-year (§8)."""
    if program.years is not None:
        return lower_years(program, relax=relax)[0]
    return lower(program, relax=relax)


def _finish_years(st: Stack, first) -> np.ndarray:
    from suanli.solver.solve_years import _open_where_nodes

    x = np.clip(first.x.copy(), st.sp.col_lb, st.sp.col_ub)
    x[st.sp.integer] = np.round(x[st.sp.integer])
    x = _open_where_nodes(st.sp, x)
    x[np.abs(x) < 1e-12] = 0.0
    return x


def _finish_lp(st: Stack, first, opts, config) -> np.ndarray:
    """As `solve` does for an LP: warm re-runs for the polish and the optimal-face tie-break."""
    if first.status is Status.OPTIMAL:
        x, _ = postsolve.finish_lp(st.sp, first, opts, tie=config.tie_break)
    else:  # stopped at the limit: the answer as it is
        x = postsolve.round_integers(st.sp, first.x)
    first.model = None
    return postsolve.settle_sites(st.sp, x)


def _finish_mip(backend, st: Stack, first, opts, config, deadline) -> np.ndarray:
    x = first.x
    tight = first.gap is None or first.gap <= 1.01 * postsolve.TIE_GAP  # as solve: no tie-break at a loose gap
    if config.tie_break and first.status is Status.OPTIMAL and tight and not deadline.expired():
        better = postsolve.tie_break(backend, st.sp, first, opts())
        x = first.x if better is None else better
    x = postsolve.round_integers(st.sp, x)
    return postsolve.polish(st.sp, x, opts(), tie=config.tie_break)


def _report(programs, names, st: Stack, x: np.ndarray, first, config) -> RobustOutcome:
    status = "optimal" if first.status is Status.OPTIMAL else "feasible"
    out = RobustOutcome(names, first.status, gap=first.gap, notes=list(st.sp.notes))
    for k, (program, name) in enumerate(zip(programs, names)):
        part = st.parts[k]
        plan = _sub_plan(program, part, st.part_x(k, x), status, config, first.gap)
        plan.warnings += [PlanWarning(code="S001", message=note) for note in part.notes]
        plan = normalized(plan)
        out.plans.append(plan)
        out.violations += [f"scenario {name}: {v}" for v in verify(program, plan)]
    unit = programs[0].objective.dimension.unit_scale
    out.objective = robust_objective([p.objective for p in out.plans], st.objective, st.sp.sense)
    stacked = st.sp.objective_value(x) / unit
    if out.objective is None or abs(stacked - out.objective) > SOLVER_REL * max(1.0, abs(stacked)):
        out.violations.append(f"internal: the stacked objective {stacked:.9g} disagrees with the "
                              f"{st.objective} of the scenarios' objectives {out.objective}")
    return out


def _sub_plan(program: Program, part, x: np.ndarray, status: str, config, gap) -> Plan:
    """Scenario k's plan from its columns, built exactly as `solve` builds a plan."""
    if program.years is not None:
        states, builds = decisions(part.metrics.L, x, part.relaxed)
        return build_year_plan(program, states, builds, status, config.solver, config.relax, gap)
    state = state_from_solution(program, part, x)
    return build_plan(program, state, status, config.solver, config.relax, gap, Index(program))


def explain_stack(programs: list[Program], names: list[str], st: Stack,
                  time_limit: Optional[float] = None) -> list[Infeasibility]:
    """The elastic re-solve of the stack; every relaxed group says its scenario."""
    from suanli.solver.explain import SLACK_TOL, _describe, _family_lookup, _in_year, elastic
    from suanli.solver.highs_backend import HighsBackend

    copy, rows, signs = elastic(st.sp)
    res = HighsBackend().solve(copy, SolveOptions(time_limit=time_limit, gap=DEFAULT_GAP))
    if not res.status.has_solution:
        return [Infeasibility(constraint="(unknown)", shortfall=0.0, unit="",
                              message=f"no explanation found: the solver says {res.status.value}")]
    fam_of, items = _family_lookup(st.sp), []
    for s, row, sign in zip(res.x[st.sp.ncol:], rows, signs):
        if s > SLACK_TOL:
            fam = fam_of[row]
            k, year = fam.meta["scenario"], fam.meta.get("year")
            years = programs[k].years
            program = programs[k] if year is None else years.programs[year - years.first]
            item = _describe(program, st.parts[k], fam, row - fam.start, s / st.sp.row_scale[row], sign)
            item = item if year is None else _in_year(item, year)
            items.append(item.model_copy(update={"constraint": f"[{names[k]}] {item.constraint}",
                                                 "message": f"in scenario {names[k]}: {item.message}"}))
    if not items:
        items.append(Infeasibility(constraint="(integrality)", shortfall=0.0, unit="",
                                   message="every group fits with slack 0: the conflict is in whole "
                                           "nodes, sites or placements shared by the scenarios"))
    return sorted(items, key=lambda i: (i.constraint, i.message))


def alone_infeasible(programs: list[Program], names: list[str], time_limit=None) -> list[str]:
    """The scenarios that are infeasible even on their own (for `explain`)."""
    from suanli.solver.highs_backend import HighsBackend

    out = []
    for program, name in zip(programs, names):
        res = HighsBackend().solve(lower_any(program), SolveOptions(time_limit=time_limit))
        if res.status is Status.INFEASIBLE:
            out.append(name)
    return out
