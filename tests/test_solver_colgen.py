"""Column generation (solver/colgen.py, colgen_solve.py) solves the same LP as
HiGHS on the full program: same objective to 1e-9 relative, a point feasible
for every row, reduced costs dual feasible for every column; a restricted LP
without a feasible point grows until it has one; an infeasible program is
reported infeasible."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suanli import api
from suanli.solver import colgen_solve
from suanli.solver.backend import SolveOptions, Status
from suanli.solver.highs_backend import HighsBackend
from suanli.solver.lower import lower
from suanli.solver.sparse import Family, SparseProgram, to_csr
from suanli.solver.strengthen import with_site_use

from solver_fixtures import ORLIB as ORLIB_DIR

ROOT = Path(__file__).resolve().parents[1]
ORLIB = ORLIB_DIR / "specs"
OPTS = lambda: SolveOptions()  # noqa: E731


def _generate(size: str, seed: int) -> str:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.generate(size, seed)


@pytest.fixture
def small_rounds(monkeypatch):
    """One candidate per group and one column per group and round: many rounds."""
    monkeypatch.setattr(colgen_solve, "FIRST_PER_GROUP", 1)
    monkeypatch.setattr(colgen_solve, "ADD_PER_GROUP", 1)


def assert_same_lp(sp: SparseProgram, lb=None, ub=None) -> None:
    lb = sp.col_lb if lb is None else lb
    ub = sp.col_ub if ub is None else ub
    lp = sp.replace(col_lb=lb, col_ub=ub, integer=np.zeros(sp.ncol, dtype=bool))
    full = HighsBackend().solve(lp, OPTS())
    cg = colgen_solve.solve_lp(sp, OPTS, lb, ub)
    assert cg.status is full.status
    if full.status is not Status.OPTIMAL:
        return
    assert cg.objective == pytest.approx(full.objective, rel=1e-9, abs=1e-9)
    assert float(sp.cost @ cg.x + sp.offset) == pytest.approx(cg.objective, rel=1e-9, abs=1e-9)
    act = sp.activity(cg.x)
    tol = 1e-9 * (1 + np.abs(act))
    assert np.all(act >= sp.row_lb - tol) and np.all(act <= sp.row_ub + tol)
    assert np.all(cg.x >= lb - 1e-9) and np.all(cg.x <= ub + 1e-9)
    _assert_dual_feasible(lp, cg)


def _assert_dual_feasible(sp: SparseProgram, res) -> None:
    """Reduced costs c - A^T y for every column, signed for the sense: a column
    above its lower bound has d <= tol, below its upper bound d >= -tol."""
    from scipy import sparse

    A = sparse.csr_matrix((sp.values, sp.indices, sp.indptr), shape=(sp.nrow, sp.ncol))
    d = sp.cost - A.T @ res.row_dual
    assert np.allclose(d, res.col_dual, atol=1e-7)
    s = -1.0 if sp.sense == "maximize" else 1.0
    above = res.x > sp.col_lb + 1e-9
    below = res.x < sp.col_ub - 1e-9
    assert np.all(s * d[above] <= 1e-6) and np.all(s * d[below] >= -1e-6)


SPECS = [ROOT / "specs" / n for n in ("example.spec", "features.spec", "east-west.spec", "hubs-2027.spec")]
SPECS += [ORLIB / f"{n}.spec" for n in ("cap41", "cap71", "cap101", "cap131")]


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_same_lp_as_full_on_specs(path, small_rounds):
    program = api.load(str(path))
    if program.years is not None:
        pytest.fail("a multi-year spec in the list")
    relaxed = lower(program, relax=True)
    assert_same_lp(relaxed)
    strengthened = with_site_use(lower(program))  # the heuristic's LP (integrality ignored)
    assert_same_lp(strengthened)


@pytest.mark.parametrize("size,seed", [("S", 1), ("S", 2), ("M", 1)])
def test_same_lp_as_full_on_bench_specs(tmp_path, size, seed):
    path = tmp_path / f"{size}{seed}.spec"
    path.write_text(_generate(size, seed), encoding="utf-8")
    program = api.load(str(path))
    assert_same_lp(lower(program, relax=True))
    assert_same_lp(with_site_use(lower(program)))


def placement_program(costs, need, caps, node_cost, node_max, maximize=False) -> SparseProgram:
    """Demands d served (sum_r x[d,r] = 1) from regions r; capacity rows
    sum_d need[d] x[d,r] - n[r] <= caps[r]; n[r] in [0, node_max] at node_cost[r]."""
    D, R = costs.shape
    nx = D * R
    d_of, r_of = np.divmod(np.arange(nx), R)
    rows = np.concatenate([d_of, D + r_of, D + np.arange(R)])
    cols = np.concatenate([R + np.arange(nx), R + np.arange(nx), np.arange(R)])
    vals = np.concatenate([np.ones(nx), need[d_of], -np.ones(R)])
    indptr, indices, values = to_csr(rows, cols, vals, D + R)
    cost = np.concatenate([node_cost, costs.ravel()])
    sign = -1.0 if maximize else 1.0
    return SparseProgram(
        sense="maximize" if maximize else "minimize", cost=sign * cost, offset=0.0, obj_scale=1.0,
        col_lb=np.zeros(R + nx), col_ub=np.concatenate([node_max, np.ones(nx)]),
        integer=np.zeros(R + nx, dtype=bool),
        row_lb=np.concatenate([np.ones(D), np.full(R, -np.inf)]),
        row_ub=np.concatenate([np.ones(D), caps]), row_scale=np.ones(D + R),
        indptr=indptr, indices=indices, values=values,
        col_families=[Family("n", 0, R, {"r": np.arange(R)}),
                      Family("x", R, R + nx, {"d": d_of, "r": r_of})],
        row_families=[Family("served", 0, D, {"d": np.arange(D)}), Family("compute", D, D + R, {"r": np.arange(R)})])


@st.composite
def placements(draw):
    D, R = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    num = st.floats(0.0, 10.0, allow_nan=False).map(lambda v: round(v, 2))
    costs = np.array(draw(st.lists(num, min_size=D * R, max_size=D * R))).reshape(D, R)
    need = np.array(draw(st.lists(st.floats(0.1, 5.0).map(lambda v: round(v, 2)), min_size=D, max_size=D)))
    caps = np.array(draw(st.lists(num, min_size=R, max_size=R)))
    node_cost = np.array(draw(st.lists(num, min_size=R, max_size=R)))
    node_max = np.array(draw(st.lists(st.sampled_from([0.0, 1.0, 3.0, np.inf]), min_size=R, max_size=R)))
    return placement_program(costs, need, caps, node_cost, node_max, maximize=draw(st.booleans()))


@settings(max_examples=60, deadline=None)
@given(placements())
def test_same_lp_as_full_on_generated_programs(sp):
    colgen_solve.FIRST_PER_GROUP, colgen_solve.ADD_PER_GROUP = 1, 1
    try:
        assert_same_lp(sp)
    finally:
        colgen_solve.FIRST_PER_GROUP, colgen_solve.ADD_PER_GROUP = 2, 20


def test_infeasible_restricted_start_grows(small_rounds):
    """The cheapest region of each demand holds one demand: the first restricted LP
    (one candidate each) has no feasible point; the full one has."""
    costs = np.array([[1.0, 5.0, 9.0]] * 4)
    sp = placement_program(costs, np.ones(4), np.array([1.0, 3.0, 3.0]), np.zeros(3), np.zeros(3))
    res = colgen_solve.solve_lp(sp, OPTS)
    assert res.status is Status.OPTIMAL
    assert res.objective == pytest.approx(1 + 3 * 5.0)
    assert_same_lp(sp)


def test_infeasible_program_is_reported_infeasible(small_rounds):
    costs = np.array([[1.0, 5.0]] * 3)
    sp = placement_program(costs, np.ones(3), np.array([1.0, 1.0]), np.zeros(2), np.zeros(2))
    assert colgen_solve.solve_lp(sp, OPTS).status is Status.INFEASIBLE


def test_fixed_bounds_are_respected(small_rounds):
    """The heuristic's fixings (lb/ub of placements) on a restricted LP."""
    costs = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    sp = placement_program(costs, np.ones(2), np.array([5.0, 5.0, 5.0]), np.zeros(3), np.zeros(3))
    lb, ub = sp.col_lb.copy(), sp.col_ub.copy()
    ub[3] = 0.0  # x[0,0] = 0: demand 0 away from its cheapest region
    lb[3 + 5] = 1.0  # x[1,2] = 1: demand 1 in its dearest one
    res = colgen_solve.solve_lp(sp, OPTS, lb, ub)
    assert res.objective == pytest.approx(2.0 + 3.0)
    assert_same_lp(sp, lb, ub)


def test_bound_changes_after_the_first_solve(small_rounds):
    """WarmLP's road: one Generation, bounds changed, priced again; a fixing that
    needs a column left out so far, one that leaves the program infeasible, and
    bounds loosened again (rows left out come back when no longer implied)."""
    costs = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [4.0, 1.0, 1.5]])
    sp = placement_program(costs, np.ones(3), np.array([1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0]),
                           np.array([1.0, 1.0, 1.0]))
    gen = colgen_solve.Generation(sp)
    first = colgen_solve.run(gen, OPTS)
    full = HighsBackend().solve(sp, OPTS())
    assert first.objective == pytest.approx(full.objective, rel=1e-9)
    lb, ub = sp.col_lb.copy(), sp.col_ub.copy()
    ub[3:6] = 0.0  # demand 0 nowhere: infeasible
    gen.set_bounds(lb, ub)
    assert colgen_solve.run(gen, OPTS).status is Status.INFEASIBLE
    ub[3:6] = 1.0
    ub[3] = 0.0  # demand 0 not in its only candidate: the restricted LP is infeasible, the full one not
    gen.set_bounds(lb, ub)
    moved = colgen_solve.run(gen, OPTS)
    assert moved.status is Status.OPTIMAL and moved.x[3] == 0.0
    assert moved.objective == pytest.approx(
        HighsBackend().solve(sp.replace(col_lb=lb, col_ub=ub), OPTS()).objective, rel=1e-9)
    ub[3] = 1.0
    lb[3 + 2] = 1.0  # demand 0 in its dearest region, surely left out at first
    gen.set_bounds(lb, ub)
    fixed = colgen_solve.run(gen, OPTS)
    assert fixed.status is Status.OPTIMAL and fixed.x[5] == pytest.approx(1.0)
    assert_same_lp(sp, lb, ub)
    ref = HighsBackend().solve(sp.replace(col_lb=lb, col_ub=ub), OPTS())
    assert fixed.objective == pytest.approx(ref.objective, rel=1e-9)
    gen.set_bounds(sp.col_lb.copy(), sp.col_ub.copy())
    assert colgen_solve.run(gen, OPTS).objective == pytest.approx(full.objective, rel=1e-9)


def test_time_limit_between_rounds_reports_a_feasible_point(small_rounds):
    """Out of time after the first round: the restricted optimum, padded with 0,
    is a feasible point of the full program, reported `feasible` (not optimal)."""
    costs = np.array([[1.0, 5.0, 9.0]] * 4)  # round 1 (region 0 each): 3 demands buy nodes at 100
    sp = placement_program(costs, np.ones(4), np.array([1.0, 3.0, 3.0]), np.full(3, 100.0), np.full(3, np.inf))
    calls = []

    def options():
        calls.append(1)
        return SolveOptions(time_limit=60.0 if len(calls) == 1 else 0.0)

    res = colgen_solve.solve_lp(sp, options)
    assert res.status is Status.FEASIBLE and res.row_dual is None
    act = sp.activity(res.x)
    assert np.all(act >= sp.row_lb - 1e-9) and np.all(act <= sp.row_ub + 1e-9)
    assert res.objective == pytest.approx(float(sp.cost @ res.x))
    assert res.objective > HighsBackend().solve(sp, OPTS()).objective + 1.0  # not yet optimal


def test_time_limit_before_any_round():
    costs = np.array([[1.0, 2.0]])
    sp = placement_program(costs, np.ones(1), np.array([5.0, 5.0]), np.zeros(2), np.zeros(2))
    res = colgen_solve.solve_lp(sp, lambda: SolveOptions(time_limit=0.0))
    assert res.status is Status.TIME_LIMIT and res.x is None


def test_a_row_the_candidates_cannot_satisfy_brings_its_columns(small_rounds):
    """A require-like row x[0,2] >= 0.5 (demand 0 half in its dearest region):
    the first restricted LP holds x[0,2] at once, no growth needed."""
    costs = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    base = placement_program(costs, np.ones(2), np.full(3, 5.0), np.zeros(3), np.zeros(3))
    sp = base.with_rows(np.zeros(1, dtype=np.int64), np.array([3 + 2]), np.ones(1),
                        np.array([0.5]), np.array([np.inf]), Family("require", 0, 0))
    gen = colgen_solve.Generation(sp)
    assert gen.rs.col_in[3 + 2]
    res = colgen_solve.run(gen, OPTS)
    assert res.status is Status.OPTIMAL and gen.k == 1
    assert res.objective == pytest.approx(0.5 * 1.0 + 0.5 * 3.0 + 1.0)
    assert_same_lp(sp)


def test_time_limit_inside_a_round_keeps_the_round_befores_point(small_rounds, monkeypatch):
    """HiGHS stopped inside round 2 without a point: round 1's restricted optimum
    is reported `feasible` (bench XL: stopped in round 3 of a 19 M-column LP)."""
    from suanli.solver.backend import SolveResult

    costs = np.array([[1.0, 5.0, 9.0]] * 4)
    sp = placement_program(costs, np.ones(4), np.array([1.0, 3.0, 3.0]), np.full(3, 100.0), np.full(3, np.inf))
    real = colgen_solve.Generation.round

    def stopped_second(self, opts, tol):
        if self.rs.rounds >= 1:
            self.rs.rounds += 1
            return SolveResult(Status.TIME_LIMIT), None
        return real(self, opts, tol)

    monkeypatch.setattr(colgen_solve.Generation, "round", stopped_second)
    res = colgen_solve.solve_lp(sp, OPTS)
    assert res.status is Status.FEASIBLE and res.x is not None
    act = sp.activity(res.x)
    assert np.all(act >= sp.row_lb - 1e-9) and np.all(act <= sp.row_ub + 1e-9)
    assert res.objective == pytest.approx(float(sp.cost @ res.x))


def test_a_seed_point_saves_rounds_and_keeps_the_optimum(small_rounds, tmp_path):
    """Polishing and the shadow LP start from the plan's own columns (`seed`): the optimum
    is the same to 1e-9, and starting where it is takes fewer rounds (bench M seed 1)."""
    path = tmp_path / "M1.spec"
    path.write_text(_generate("M", 1), encoding="utf-8")
    sp = with_site_use(lower(api.load(str(path))))
    cold = colgen_solve.solve_lp(sp, OPTS)
    seeded = colgen_solve.solve_lp(sp, OPTS, seed=cold.x)
    assert seeded.status is cold.status is Status.OPTIMAL
    assert seeded.objective == pytest.approx(cold.objective, rel=1e-9)
    assert seeded.stats["colgen_rounds"] < cold.stats["colgen_rounds"]
    _assert_dual_feasible(sp.replace(integer=np.zeros(sp.ncol, dtype=bool)), seeded)
