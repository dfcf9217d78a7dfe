"""The time each near-optimal solve may take (docs/near-optimal.md, "How it is
solved"): `--time-limit`, or without it a budget tied to the plain solve; a
solve stopped by it keeps the best plan, says `feasible` and warns."""

import json

import pytest
from clirun import ROOT, suanli

from suanli.compiler.pipeline import load
from suanli.solver import near_solve
from suanli.solver.near_optimal import NearRequest
from suanli.solver.near_solve import add_near_optimal, solve_budget
from suanli.solver.solve import SolveConfig, solve_program

EW = ROOT / "specs" / "east-west.spec"


def test_the_default_budget_follows_the_plain_solve_with_a_floor():
    assert solve_budget(None) is None  # the API without a measured plain solve: no limit
    assert solve_budget(0.2) == near_solve.BUDGET_FLOOR_S
    assert solve_budget(100.0) == pytest.approx(near_solve.SEARCH_SHARE * 100.0)


def test_a_solve_stopped_by_its_budget_keeps_the_optimal_plan_and_warns(monkeypatch):
    program = load(str(EW), near="compute(west)")
    config = SolveConfig(gap=1e-9)
    outcome = solve_program(program, config)
    monkeypatch.setattr(near_solve, "BUDGET_FLOOR_S", 0.0)
    plan = add_near_optimal(program, outcome, config, NearRequest(slack=0.05, metric=True),
                            plain_seconds=1e-9).plan
    near = plan.near_optimal
    assert near.min.plan.status == "feasible" and near.max.plan.status == "feasible"
    optimal_west = sum(r.compute_tflops for r in plan.regions if r.name in ("guian", "qingyang"))
    assert near.min.value == pytest.approx(optimal_west) and near.max.value == pytest.approx(optimal_west)
    stopped = [w for w in plan.warnings if w.code == "S003" and "stopped at its time limit" in w.message]
    assert len(stopped) == 2


def test_small_specs_are_solved_to_the_end_within_the_default_budget():
    out = suanli("solve", EW, "--format", "json", "--near-optimal", "compute(west)", "--alternatives", "2")
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    embedded = [plan["near_optimal"]["min"]["plan"], plan["near_optimal"]["max"]["plan"]]
    embedded += [a["plan"] for a in plan["alternatives"]]
    assert {p["status"] for p in embedded} == {"optimal"}
    assert not any("stopped at its time limit" in w["message"] for w in plan["warnings"])
