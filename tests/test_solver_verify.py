"""The independent verifier rejects tampered plans and accepts solved ones."""

from __future__ import annotations

import pytest

from solver_fixtures import GBPS, KW, TFLOPS, HOUR, job, link, node, program, region, service
from suanli.solver.plan import dumps, loads
from suanli.solver.solve import SolveConfig, solve_program
from suanli.solver.verify import verify

U = TFLOPS


def _spec():
    regs = [region("a", power_cap=10 * KW), region("b", site_cost=50.0)]
    nodes = [node("cpu", compute=U, storage=1e12, power=1 * KW, capex=10.0, lifetime=3600.0 * 8760),
             node("big", compute=4 * U, power=2 * KW, capex=30.0, max_per_region=2, lifetime=3600.0 * 8760)]
    links = [link("a", "b", 0.002, bandwidth=100.0, transfer_cost=1e-6)]
    dem = [service("web", compute=12 * U, storage=2e12, origin="a", traffic=50.0),
           job("batch", "general", work=8 * U * HOUR, deadline=4 * HOUR, origin="a", data=1e6)]
    return program(regs, nodes, links, dem)


@pytest.fixture(scope="module")
def solved():
    prog = _spec()
    out = solve_program(prog, SolveConfig())
    assert out.plan.status == "optimal" and out.violations == []
    return prog, dumps(out.plan)


def _tamper(text, fn):
    plan = loads(text)
    fn(plan)
    return loads(dumps(plan))


def test_solved_plan_verifies(solved):
    prog, text = solved
    assert verify(prog, loads(text)) == []


TAMPERS = {
    "fewer_nodes": lambda p: p.regions.__setitem__(0, p.regions[0].model_copy(
        update={"nodes": {k: max(0, v - 1) for k, v in p.regions[0].nodes.items()}})),
    "cheaper": lambda p: setattr(p.cost, "capex", p.cost.capex - 1.0),
    "total": lambda p: setattr(p.cost, "total", p.cost.total * 0.5),
    "objective": lambda p: setattr(p, "objective", p.objective + 1.0),
    "under_served": lambda p: setattr(p.demands[0], "regions", {"a": 0.5}),
    "unknown_region": lambda p: setattr(p.demands[0], "regions", {"mars": 1.0}),
    "job_unplaced": lambda p: setattr(p.jobs[0], "region", None),
    "job_wrong_type": lambda p: setattr(p.jobs[0], "node_type", "nonexistent"),
    "fractional_nodes": lambda p: p.regions[0].nodes.update({"cpu": 2.5}),
    "site_closed": lambda p: [setattr(r, "open", not r.open) for r in p.regions],
    "power": lambda p: p.regions[0].nodes.update({"cpu": 40}),
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_tampered_plan_rejected(solved, name):
    prog, text = solved
    assert verify(prog, _tamper(text, TAMPERS[name])), name


def test_no_plan_has_nothing_to_verify(solved):
    prog, text = solved
    assert verify(prog, _tamper(text, lambda p: setattr(p, "status", "infeasible")))
