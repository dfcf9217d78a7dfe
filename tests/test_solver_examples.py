"""Small programs whose optimum is derived by hand from LANGUAGE.md §6,
solved on every installed backend (so HiGHS and CBC must agree), and every
plan passes the independent verifier."""

from __future__ import annotations

import pytest

from solver_fixtures import (
    GBPS, KW, TFLOPS, YEAR, HOUR, RATIO, COUNT, job, lin, link, metric, node, objective, program,
    region, require, service,
)
from suanli.solver.backend import installed_backends
from suanli.solver.solve import SolveConfig, solve_program

U = TFLOPS  # one node's compute in most examples


def cheap(name="cpu", capex=1.0, **kw):
    """Lifetime = horizon, no power price: a node costs exactly `capex`."""
    return node(name, compute=kw.pop("compute", U), capex=capex, power=kw.pop("power", 1 * KW), **kw)


def ex_amdahl_boundary():
    # 4 TFLOPS*h of work, 1 h deadline, sigma = 0: tau(4) = 1 h exactly -> N = 4 (inclusive)
    p = program([region("a")], [cheap(capex=1000.0)],
                demands=[job("train", "general", work=4 * U * HOUR, deadline=HOUR)])
    return p, 4000.0, lambda plan: plan.jobs[0].nodes == 4


def ex_amdahl_serial():
    # sigma = 0.5, tau1 = 3 h, deadline 2 h: 1.5 + 1.5/N <= 2 -> N = 3
    p = program([region("a")], [cheap(capex=10.0)],
                demands=[job("j", "general", work=3 * U * HOUR, deadline=2 * HOUR, serial_fraction=0.5)])
    return p, 30.0, lambda plan: plan.jobs[0].nodes == 3


def ex_path_tie():
    # a-b-c and a-d-c both 2 ms; the tie goes to the lower transfer cost (0.5 + 0.5)
    regs = [region("a"), region("b"), region("c"), region("d")]
    links = [link("a", "b", 0.001, transfer_cost=2.0), link("b", "c", 0.001, transfer_cost=2.0),
             link("a", "d", 0.001, transfer_cost=0.5), link("d", "c", 0.001, transfer_cost=0.5)]
    t = cheap(capex=5.0, regions=("c",), lifetime=10.0)
    p = program(regs, [t], links, [service("s", compute=U, origin="a", traffic=1.0)], horizon=10.0)
    # network = traffic * H * kappa = 1 * 10 * 1.0
    return p, 5.0 + 10.0, lambda plan: plan.links[2].traffic_ab_gbps > 0 and plan.links[0].traffic_ab_gbps == 0


def ex_site_opening():
    # b: site 50, nodes 1 each; a: no site, nodes 10 each. 10 units -> b: 50 + 10 = 60 < 100
    regs = [region("a"), region("b", site_cost=50.0)]
    nodes = [cheap("na", capex=10.0, regions=("a",)), cheap("nb", capex=1.0, regions=("b",))]
    p = program(regs, nodes, demands=[service("s", compute=10 * U)])
    return p, 60.0, lambda plan: plan.regions[1].open and plan.regions[1].nodes == {"nb": 10}


def ex_site_not_worth():
    # same, 3 units: b costs 50 + 3 = 53 > a's 30
    regs = [region("a"), region("b", site_cost=50.0)]
    nodes = [cheap("na", capex=10.0, regions=("a",)), cheap("nb", capex=1.0, regions=("b",))]
    p = program(regs, nodes, demands=[service("s", compute=3 * U)])
    return p, 30.0, lambda plan: not plan.regions[1].open


def ex_bandwidth():
    # origin a (nodes 3), b cheap (1) but link carries 4 of the 10 B/s -> 4 in b, 6 in a
    regs = [region("a"), region("b")]
    nodes = [cheap("na", capex=3.0, regions=("a",)), cheap("nb", capex=1.0, regions=("b",))]
    p = program(regs, nodes, [link("a", "b", 0.001, bandwidth=4.0)],
                [service("s", compute=10 * U, origin="a", traffic=10.0)])
    return p, 4 * 1.0 + 6 * 3.0, lambda plan: abs(plan.demands[0].regions["b"] - 0.4) < 1e-9


def ex_ratio_require():
    # compute(b) >= 50% compute: 10 units, b costs 2, a costs 1 -> 5 + 10 = 15
    regs = [region("a"), region("b")]
    nodes = [cheap("na", capex=1.0, regions=("a",)), cheap("nb", capex=2.0, regions=("b",))]
    e = lin((1.0, metric("compute", regions=("b",))), (-0.5, metric("compute")))
    req = require("half_in_b", e, lower=0.0, dim=RATIO)
    p = program(regs, nodes, demands=[service("s", compute=10 * U)], statements=[req])
    return p, 15.0, lambda plan: plan.regions[1].nodes == {"nb": 5}


def ex_utilization():
    # u = 80%: 8 units need 10 nodes
    p = program([region("a")], [cheap(capex=1.0)], demands=[service("s", compute=8 * U)], utilization=0.8)
    return p, 10.0, lambda plan: abs(plan.regions[0].utilization["general"] - 0.8) < 1e-9


def ex_split_false():
    # two regions of max 1 node; 1.5 units split = true -> 2 nodes
    regs = [region("a", max_nodes=1), region("b", max_nodes=1)]
    p = program(regs, [cheap(capex=1.0)], demands=[service("s", compute=1.5 * U)])
    return p, 2.0, lambda plan: len(plan.demands[0].regions) == 2


def ex_power_cap_pue():
    # cap 10 kW / (pue 1.25 * 1 kW) = 8 nodes in a (1 each), the rest in b (4 each): 8 + 8 = 16
    regs = [region("a", power_cap=10 * KW, pue=1.25), region("b")]
    nodes = [cheap("na", capex=1.0, regions=("a",)), cheap("nb", capex=4.0, regions=("b",))]
    p = program(regs, nodes, demands=[service("s", compute=10 * U)])
    return p, 16.0, lambda plan: plan.regions[0].nodes == {"na": 8}


def ex_max_per_region():
    nodes = [cheap("t1", capex=1.0, max_per_region=3), cheap("t2", capex=5.0)]
    p = program([region("a")], nodes, demands=[service("s", compute=5 * U)])
    return p, 3 * 1.0 + 2 * 5.0, lambda plan: plan.regions[0].nodes == {"t1": 3, "t2": 2}


def ex_carbon_price():
    # a: 0.1/kWh, 1000 g/kWh; b: 0.2/kWh, 0 g. One 1 kW node for H = 1000 h = 1000 kWh.
    # carbon_price 0.5 CNY/kg = 5e-4 CNY/g: a costs 100 + 500 = 600 > b's 200.
    kwh = 3.6e6
    regs = [region("a", power_price=0.1 / kwh, carbon_intensity=1000 / kwh),
            region("b", power_price=0.2 / kwh)]
    p = program(regs, [node("cpu", compute=U, power=1 * KW, lifetime=1000 * HOUR)],
                demands=[service("s", compute=U)], horizon=1000 * HOUR, carbon_price=5e-4)
    return p, 200.0, lambda plan: plan.regions[1].nodes == {"cpu": 1} and plan.cost.carbon == 0


def ex_tie_by_name():
    # identical regions: the tie-break puts the node in the first region by name
    p = program([region("zeta"), region("alpha")], [cheap(capex=1.0)], demands=[service("s", compute=U)])
    return p, 1.0, lambda plan: plan.regions[0].name == "alpha" and plan.regions[0].nodes == {"cpu": 1}


def ex_maximize_bounded():
    # maximize nodes under a 5 kW cap with 1 kW nodes: 5
    p = program([region("a", power_cap=5 * KW)], [cheap(capex=0.0)],
                obj=objective(lin((1.0, metric("nodes"))), "maximize", COUNT))
    return p, 5.0, lambda plan: plan.regions[0].nodes == {"cpu": 5}


EXAMPLES = {name[3:]: fn for name, fn in globals().items() if name.startswith("ex_")}


@pytest.mark.parametrize("backend", installed_backends())
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_hand_derived_optimum(name, backend):
    prog, expected, check = EXAMPLES[name]()
    out = solve_program(prog, SolveConfig(solver=backend))
    assert out.plan.status == "optimal", out.plan.message
    assert out.violations == []
    assert out.plan.objective == pytest.approx(expected, rel=1e-7, abs=1e-7)
    assert check(out.plan), out.plan


def test_split_false_is_infeasible_with_explanation():
    regs = [region("a", max_nodes=1), region("b", max_nodes=1)]
    p = program(regs, [cheap(capex=1.0)], demands=[service("s", compute=1.5 * U, split=False)])
    out = solve_program(p, SolveConfig())
    assert out.plan.status == "infeasible"
    assert out.plan.infeasibility
    assert out.plan.objective is None


def test_job_too_wide_for_every_region_is_infeasible():
    p = program([region("a", max_nodes=3)], [cheap(capex=1.0)],
                demands=[job("train", "general", work=4 * U * HOUR, deadline=HOUR)])
    out = solve_program(p, SolveConfig())
    assert out.plan.status == "infeasible"
    text = " ".join(i.message for i in out.plan.infeasibility)
    assert "train" in text or "max_nodes" in text
