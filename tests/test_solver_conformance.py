"""One conformance suite of tiny programs with known answers, run on every
installed backend (ENGINEERING.md: declarative backends)."""

from __future__ import annotations

import numpy as np
import pytest

from solver_fixtures import KW, TFLOPS, COUNT, lin, metric, node, objective, program, region, service
from suanli.solver.backend import SolveOptions, Status, get_backend, installed_backends
from suanli.solver.solve import SolveConfig, solve_program
from suanli.solver.sparse import Family, SparseProgram, to_csr

INF = np.inf


def tiny(cost, rows, row_lb, row_ub, col_lb, col_ub, integer, sense="minimize") -> SparseProgram:
    A = np.array(rows, dtype=float)
    r, c = np.nonzero(A)
    indptr, indices, values = to_csr(r, c, A[r, c], A.shape[0])
    n = A.shape[1]
    return SparseProgram(sense=sense, cost=np.array(cost, float), offset=0.0, obj_scale=1.0,
                         col_lb=np.array(col_lb, float), col_ub=np.array(col_ub, float),
                         integer=np.array(integer, bool), row_lb=np.array(row_lb, float),
                         row_ub=np.array(row_ub, float), row_scale=np.ones(A.shape[0]),
                         indptr=indptr, indices=indices, values=values,
                         col_families=[Family("c", 0, n)], row_families=[Family("r", 0, A.shape[0])])


CASES = {
    # min x + 2y, x + y >= 3, x <= 2 -> x = 2, y = 1: 4
    "optimal_lp": (tiny([1, 2], [[1, 1]], [3], [INF], [0, 0], [2, 10], [0, 0]), Status.OPTIMAL, 4.0),
    # integer: min x + y, 2x + 2y = 3 with x, y integer -> infeasible only through integrality
    "integrality_infeasible": (tiny([1, 1], [[2, 2]], [3], [3], [0, 0], [10, 10], [1, 1]),
                               Status.INFEASIBLE, None),
    "infeasible": (tiny([1], [[1], [1]], [5, -INF], [INF, 3], [0], [10], [0]), Status.INFEASIBLE, None),
    # max x + y, x - y <= 1 -> unbounded
    "unbounded": (tiny([1, 1], [[1, -1]], [-INF], [1], [0, 0], [INF, INF], [0, 0], "maximize"),
                  Status.UNBOUNDED, None),
    "unbounded_mip": (tiny([1, 1], [[1, -1]], [-INF], [1], [0, 0], [INF, INF], [1, 1], "maximize"),
                      Status.UNBOUNDED, None),
    # knapsack: max 5a + 4b + 3c, 2a + 3b + c <= 5, binary -> a + b: 9 (a + c = 8)
    "knapsack": (tiny([5, 4, 3], [[2, 3, 1]], [-INF], [5], [0, 0, 0], [1, 1, 1], [1, 1, 1], "maximize"),
                 Status.OPTIMAL, 9.0),
    # a tie: min x + y, x + y >= 1 -> 1 (either)
    "tie": (tiny([1, 1], [[1, 1]], [1], [INF], [0, 0], [1, 1], [1, 1]), Status.OPTIMAL, 1.0),
}


@pytest.mark.parametrize("backend", installed_backends())
@pytest.mark.parametrize("case", sorted(CASES))
def test_conformance(case, backend):
    sp, status, value = CASES[case]
    res = get_backend(backend).solve(sp, SolveOptions())
    assert res.status is status, res.message
    if value is not None:
        assert res.objective == pytest.approx(value, abs=1e-7)
        act = sp.activity(res.x)
        assert np.all(act >= sp.row_lb - 1e-6) and np.all(act <= sp.row_ub + 1e-6)
    else:
        assert res.x is None or not res.status.has_solution


def test_installed_backends_declare_capabilities():
    names = installed_backends()
    assert "highs" in names
    for name in names:
        b = get_backend(name)
        assert b.NAME == name and b.MIP_CAPABLE and b.REQUIRED_MODULES


def test_unknown_backend_is_an_error():
    with pytest.raises(ValueError):
        get_backend("gurobi")


@pytest.mark.parametrize("backend", installed_backends())
def test_unbounded_spec_gives_no_plan(backend):
    p = program([region("a")], [node("cpu", compute=TFLOPS, power=1 * KW)],
                obj=objective(lin((1.0, metric("nodes"))), "maximize", COUNT))
    out = solve_program(p, SolveConfig(solver=backend))
    assert out.status is Status.UNBOUNDED
    assert out.plan.status == "error" and "unbounded" in out.plan.message
