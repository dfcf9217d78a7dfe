"""The time each near-optimal solve may take (docs/near-optimal.md, "How it is
solved"): `--time-limit` applies to each solve, and without it each runs to its
gap (§11: each value optimal within the MIP gap); a solve stopped by its limit
keeps the best plan, says `feasible` and warns."""

import dataclasses
import json

import pytest
from clirun import ROOT, suanli

from suanli.compiler.pipeline import load
from suanli.solver.near_optimal import NearRequest
from suanli.solver.near_solve import add_near_optimal
from suanli.solver.solve import SolveConfig, solve_program

EW = ROOT / "specs" / "east-west.spec"


def test_a_solve_stopped_by_its_time_limit_keeps_the_optimal_plan_and_warns():
    program = load(str(EW), near="compute(west)")
    config = SolveConfig(gap=1e-9)
    outcome = solve_program(program, config)
    each = dataclasses.replace(config, time_limit=1e-9)  # every extra solve stops at once
    plan = add_near_optimal(program, outcome, each, NearRequest(slack=0.05, metric=True)).plan
    near = plan.near_optimal
    assert near.min.plan.status == "feasible" and near.max.plan.status == "feasible"
    optimal_west = sum(r.compute_tflops for r in plan.regions if r.name in ("guian", "qingyang"))
    assert near.min.value == pytest.approx(optimal_west) and near.max.value == pytest.approx(optimal_west)
    stopped = [w for w in plan.warnings if w.code == "S003" and "stopped at its time limit" in w.message]
    assert len(stopped) == 2


def test_without_a_time_limit_every_extra_solve_runs_to_its_gap():
    out = suanli("solve", EW, "--format", "json", "--near-optimal", "compute(west)", "--alternatives", "2")
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    embedded = [plan["near_optimal"]["min"]["plan"], plan["near_optimal"]["max"]["plan"]]
    embedded += [a["plan"] for a in plan["alternatives"]]
    assert {p["status"] for p in embedded} == {"optimal"}
    assert not any("stopped at its time limit" in w["message"] for w in plan["warnings"])
