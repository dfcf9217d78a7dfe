"""Determinism, LP/MPS files, the watchdog and time limits."""

from __future__ import annotations

import time

import highspy
import numpy as np
import pytest

from solver_fixtures import program_from_orlib_raw, ORLIB
from suanli.solver.backend import SolveOptions, Status, get_backend, installed_backends
from suanli.solver.plan import dumps, plan_dict
from suanli.solver.solve import SolveConfig, solve_program
from suanli.solver.sparse import Family, SparseProgram, to_csr
from suanli.solver.watchdog import owned_tempdir, poll_until
from test_solver_examples import EXAMPLES

CAP41 = ORLIB / "raw" / "cap41.txt"


@pytest.fixture(scope="module")
def cap41():
    return program_from_orlib_raw(CAP41)


def test_two_solves_give_identical_bytes(cap41):
    a = dumps(solve_program(cap41, SolveConfig()).plan)
    b = dumps(solve_program(cap41, SolveConfig()).plan)
    assert a == b


@pytest.mark.skipif("cbc" not in installed_backends(), reason="CBC not installed")
@pytest.mark.parametrize("name", ["tie_by_name", "site_opening", "bandwidth", "ratio_require"])
def test_highs_and_cbc_give_the_same_plan(name):
    prog = EXAMPLES[name]()[0]
    plans = [plan_dict(solve_program(prog, SolveConfig(solver=s)).plan) for s in ("highs", "cbc")]
    for p in plans:
        p.pop("solver"), p.pop("gap")
    assert plans[0] == plans[1]


def test_lp_and_mps_files_resolve_to_the_same_objective(cap41, tmp_path):
    lp, mps = tmp_path / "p.lp", tmp_path / "p.mps"
    out = solve_program(cap41, SolveConfig(write_lp=str(lp), write_mps=str(mps), gap=1e-9))
    assert "x(d1,w1)" in lp.read_text() and "served(d1)" in lp.read_text()
    for path in (lp, mps):
        h = highspy.Highs()
        h.silent()
        assert h.readModel(str(path)) == highspy.HighsStatus.kOk
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.run()
        value = h.getInfo().objective_function_value * out.sparse.obj_scale
        assert value == pytest.approx(out.plan.objective, rel=1e-7)


def test_unwritable_lp_path_raises(cap41, tmp_path):
    with pytest.raises(OSError):
        solve_program(cap41, SolveConfig(write_lp=str(tmp_path / "missing" / "p.lp")))


def market_split(m=4, n=34, seed=3) -> SparseProgram:
    """Cornuejols-Dawande market split: tiny, and very hard for branch and bound."""
    rng = np.random.default_rng(seed)
    A = rng.integers(0, 100, (m, n)).astype(float)
    b = np.floor(A.sum(axis=1) / 2)
    r, c = np.nonzero(A)
    indptr, indices, values = to_csr(r, c, A[r, c], m)
    return SparseProgram(sense="minimize", cost=np.zeros(n), offset=0.0, obj_scale=1.0,
                         col_lb=np.zeros(n), col_ub=np.ones(n), integer=np.ones(n, bool),
                         row_lb=b, row_ub=b, row_scale=np.ones(m), indptr=indptr, indices=indices,
                         values=values, col_families=[Family("c", 0, n)], row_families=[Family("r", 0, m)])


@pytest.mark.parametrize("backend", installed_backends())
def test_time_limit_is_held(backend):
    sp = market_split()
    limit, grace = 1.5, 2.0
    t0 = time.monotonic()
    res = get_backend(backend).solve(sp, SolveOptions(time_limit=limit, grace=grace))
    elapsed = time.monotonic() - t0
    assert res.status in (Status.TIME_LIMIT, Status.FEASIBLE, Status.OPTIMAL, Status.INFEASIBLE)
    assert elapsed < limit + grace + 3.0  # + process start-up


def test_watchdog_cancels_a_solve_that_ignores_its_limit():
    calls = []
    t0 = time.monotonic()
    cancelled = poll_until(lambda w: bool(calls) or time.sleep(w), lambda: calls.append(1),
                           limit=0.2, grace=0.2, tick=lambda: None)
    assert cancelled and calls and time.monotonic() - t0 < 2.0


def test_owned_tempdir_is_removed_even_on_error():
    with pytest.raises(KeyboardInterrupt):
        with owned_tempdir() as d:
            path = d
            raise KeyboardInterrupt
    import os
    assert not os.path.exists(path)


def test_highs_presolve_false_infeasible_is_confirmed_without_presolve():
    """HiGHS's MIP presolve says infeasible; the backend re-solves without it."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    spec = Path(__file__).parent / "fixtures" / "highs_presolve_infeasible.spec"
    out = subprocess.run([sys.executable, "-m", "suanli", "solve", str(spec), "--format", "json", "--gap", "1e-9"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["status"] == "optimal" and plan["objective"] == pytest.approx(662800)
