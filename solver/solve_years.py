"""The `solve` pipeline of a multi-year spec: lower, solve, report, verify.

The single-period postsolve steps (tie-break, polish, shadow LP) read one
block of each column family, so the multi-year program takes the solver's
answer as it is, with integers rounded; the plan is re-derived from the
decisions and verified (year_verify.py) like every plan.
"""

from __future__ import annotations

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.backend import Status, get_backend
from suanli.solver.families.buildout import STAY_OPEN
from suanli.solver.families.sites import SITE
from suanli.solver.plan import normalized
from suanli.solver.watchdog import Deadline, owned_tempdir
from suanli.solver.year_lower import lower_years
from suanli.solver.year_shadow import shadow_lp_years, year_shadow_prices
from suanli.solver.year_report import build_year_plan, decisions
from suanli.solver.year_verify import verify_years
from suanli.stopwatch import SILENT, Stopwatch
from suanli.tolerances import ZERO


def solve_years(program: Program, config, watch: Stopwatch = SILENT):
    from suanli.solver.solve import Outcome, _budget, _options, _write_files

    backend = get_backend(config.solver)
    sp, layout = lower_years(program, relax=config.relax)
    watch.lap("build", f"built the multi-year {'LP' if sp.relaxed else 'MILP'}: {sp.ncol:,} variables, "
              f"{sp.nrow:,} rows, {sp.nnz:,} non-zeros")
    _write_files(sp, config)
    deadline = Deadline(_budget(config))  # reading and compiling count against --time-limit, as in solve
    with owned_tempdir() as tmp:
        first = backend.solve(sp, _options(config, deadline, tmp))
    watch.lap("solver", f"{backend.NAME}: {first.status.value}")
    if not first.status.has_solution:
        return Outcome(_no_plan(program, sp, first, config), first.status, [], sp)
    outcome = report_years(program, sp, sp, first, config, deadline)
    watch.lap("report_verify", f"plan extracted and verified ({len(outcome.violations)} violation(s))")
    return outcome


def report_years(program: Program, base, variant, first, config, deadline=None):
    """The plan of a solver answer `first` of `variant` (the lowered program `base`,
    or a near-optimal variant of it: same columns, more rows, another objective),
    extracted, verified and returned with its decisions x. Shadow prices only
    for the program itself (`deadline` given)."""
    from suanli.solver.solve import Outcome, objective_check

    layout = base.metrics.L
    x = np.clip(first.x.copy(), variant.col_lb, variant.col_ub)
    x[variant.integer] = np.round(x[variant.integer])
    x = _open_where_nodes(variant, x)
    x[np.abs(x) < 1e-12] = 0.0
    states, builds = decisions(layout, x, variant.relaxed)
    status = "optimal" if first.status is Status.OPTIMAL else "feasible"
    plan = build_year_plan(program, states, builds, status, config.solver, config.relax, first.gap)
    if deadline is not None:
        plan.shadow_prices = _shadow(program, base, x, first, config, deadline)
    plan = normalized(plan)
    violations = verify_years(program, plan) + objective_check(program, base, x, plan)
    return Outcome(plan, first.status, violations, base, x)


def _shadow(program: Program, sp, x, first, config, deadline):
    from suanli.solver.solve import _options

    if first.status is not Status.OPTIMAL:
        return []
    if sp.relaxed:
        return year_shadow_prices(program, sp, first.row_dual)
    with owned_tempdir() as tmp:
        res = shadow_lp_years(sp, x, _options(config, deadline, tmp))
    return year_shadow_prices(program, sp, None if res is None else res.row_dual)


def _open_where_nodes(sp, x: np.ndarray) -> np.ndarray:
    """A site with nodes is open: a big-M row lets the solver keep open[r,y] within
    its integrality tolerance of 0 (postsolve.round_integers); relaxed: open >= n/M."""
    x = x.copy()
    for fam in sp.families(SITE.name):
        n = x[fam.meta["n_col"]]
        if sp.relaxed:  # open >= n / M exactly (postsolve.settle_sites), nodes <= 1e-9 ignored
            np.maximum.at(x, fam.meta["open_col"], np.where(n > ZERO, n / fam.meta["M"], 0.0))
        else:
            x[fam.meta["open_col"][n > 0.5]] = 1.0
    for fam in sp.families(STAY_OPEN.name):  # in year order: opening earlier keeps it open after
        for before, now in fam.meta["pairs"]:
            x[now] = max(x[now], x[before])
    return x


def _no_plan(program: Program, sp, res, config):
    from suanli.solver.solve import no_plan

    plan = no_plan(program, sp, res, config, "no build-out plan meets every require and constraint in every year")
    plan.horizon_h = len(program.years.years) * program.settings.horizon / 3600.0
    return normalized(plan)
