"""Laws of near-optimal plans (LANGUAGE.md §11) on generated specs (Hypothesis).

- the optimal plan's metric lies in [min, max];
- widening the slack never narrows the range;
- every embedded plan and every alternative passes the independent verifier and respects B;
- HiGHS and CBC give the same range (within 1e-6 relative).
"""

import os
import tempfile

from hypothesis import given, settings, strategies as st

import suanli.testing as sst
from suanli.compiler.pipeline import load
from suanli.solver.evaluate import Evaluator
from suanli.solver.extract import state_from_plan
from suanli.solver.near_optimal import NearRequest
from suanli.solver.near_solve import add_near_optimal
from suanli.solver.solve import SolveConfig, solve_program
from suanli.solver.verify_near import verify_near

SMALL = dict(max_regions=3, max_demands=3, max_jobs=1)
METRICS = ["compute()", "nodes()", "carbon", "cost.energy", "storage()", "power()"]
FEW = settings(max_examples=12)  # each example is three to five solves


def near_plan(text: str, metric: str, slack: float, alternatives: int = 0, solver: str = "highs"):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "gen.spec")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        program = load(path, near=metric)
        config = SolveConfig(solver=solver, gap=1e-9)
        outcome = solve_program(program, config)
        if not outcome.status.has_solution:
            return program, None
        req = NearRequest(slack=slack, metric=True, alternatives=alternatives)
        return program, add_near_optimal(program, outcome, config, req).plan


def at_most(a, b, rel=1e-6):
    return a <= b + rel * max(1.0, abs(a), abs(b))


@FEW
@given(text=sst.specs(**SMALL), metric=st.sampled_from(METRICS))
def test_the_optimal_plan_lies_in_the_range_and_every_plan_verifies(text, metric):
    program, plan = near_plan(text, metric, 0.05, alternatives=1)
    if plan is None:
        return
    near = plan.near_optimal
    ev = Evaluator(program, state_from_plan(program, plan))
    optimal_value = ev.linexpr(program.near_metric.expr) / program.near_metric.dimension.unit_scale
    assert at_most(near.min.value, optimal_value) and at_most(optimal_value, near.max.value)
    assert verify_near(program, plan) == []


@FEW
@given(text=sst.specs(**SMALL), metric=st.sampled_from(METRICS))
def test_widening_the_slack_never_narrows_the_range(text, metric):
    _, narrow = near_plan(text, metric, 0.02)
    if narrow is None:
        return
    _, wide = near_plan(text, metric, 0.10)
    assert at_most(wide.near_optimal.min.value, narrow.near_optimal.min.value)
    assert at_most(narrow.near_optimal.max.value, wide.near_optimal.max.value)


@settings(max_examples=6)
@given(text=sst.specs(**SMALL), metric=st.sampled_from(METRICS))
def test_highs_and_cbc_give_the_same_range(text, metric):
    _, highs = near_plan(text, metric, 0.05)
    if highs is None:
        return
    _, cbc = near_plan(text, metric, 0.05, solver="cbc")
    for key in ("min", "max"):
        a, b = getattr(highs.near_optimal, key).value, getattr(cbc.near_optimal, key).value
        assert abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b)), (key, a, b)


def variants(text: str, metric: str, slack: float):
    """The optimal plan's x and the two near-optimal programs (min, max) of
    near_optimal.py, as the solver sees them."""
    from suanli.solver.near_optimal import metric_vector, slack_bound, slack_row, with_objective
    from suanli.solver.strengthen import with_site_use

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "gen.spec")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        program = load(path, near=metric)
    outcome = solve_program(program, SolveConfig(gap=1e-9))
    if not outcome.status.has_solution:
        return None, []
    sp = with_site_use(outcome.sparse)
    scale = program.objective.dimension.unit_scale or 1.0
    bounded = slack_row(sp, slack_bound(float(outcome.plan.objective), slack, program.objective.sense) * scale)
    vec = metric_vector(program, sp, program.near_metric)
    return outcome.x, [with_objective(bounded, vec, sense) for sense in ("minimize", "maximize")]


@FEW
@given(text=sst.specs(**SMALL), metric=st.sampled_from(METRICS), slack=st.sampled_from([0.0, 0.05, 0.3]))
def test_the_rounded_start_is_a_plan_and_its_lp_bound_holds(text, metric, slack):
    """near_start.py may skip branch and bound on the strength of its bound
    (the nudged LP's, corrected): it must never cut off the true optimum."""
    from suanli.solver.backend import SolveOptions
    from suanli.solver.heuristics import feasible
    from suanli.solver.highs_backend import HighsBackend
    from suanli.solver.near_start import rounded_start

    _, programs = variants(text, metric, slack)
    for variant in programs:
        exact = HighsBackend().solve(variant, SolveOptions(gap=1e-9))
        start = rounded_start(variant, lambda: SolveOptions(gap=1e-9))
        if not exact.status.has_solution or start.bound is None:
            continue
        worse_or_equal = at_most if variant.sense == "minimize" else (lambda a, b: at_most(b, a))
        assert worse_or_equal(start.bound, exact.objective)
        if start.x is not None:
            assert feasible(variant, start.x)
            assert worse_or_equal(exact.objective, start.objective)
