"""Metamorphic laws of the optimum, on small generated specs (Hypothesis; `ci` profile).

Equal-cost plans may differ (ties), so the laws compare optimal objectives, with a
relative tolerance of 1e-6, from solves at a MIP gap of 1e-9.

- scaling every price by k scales the optimal cost by k;
- more capacity (a new region, a higher cap, a new node type) never raises it;
- more demand, higher prices, a lost region or a lowered cap never lower it;
- a require that the optimal plan already satisfies changes nothing;
- renaming and reordering declarations change nothing but names.
"""

import math
import os
import re
import tempfile

from hypothesis import given, strategies as st

import suanli.testing as sst
from suanli.compiler.pipeline import load
from suanli.grammar import ast
from suanli.grammar.parser import parse

SMALL = dict(max_regions=3, max_demands=3, max_jobs=1)
GAP = 1e-9


def program_of(text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "gen.spec")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return load(path)


def best(text, perturbation=None):
    return sst.check_plan(sst.solve(text, perturbation, gap=GAP))


def close(a: float, b: float, rel: float = 1e-6) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def at_most(a: float, b: float, rel: float = 1e-6) -> bool:
    return a <= b + rel * max(1.0, abs(a), abs(b))


# ------------------------------------------------------------------ prices


@given(text=sst.specs(**SMALL), k=st.sampled_from(["2", "10", "0.5"]))
def test_scaling_every_price_scales_the_cost(text, k):
    base = best(text)
    scaled = best(text, sst.scale_prices(text, k))
    assert close(scaled.objective, float(k) * base.objective), (base.objective, scaled.objective)
    assert close(scaled.cost.total, float(k) * base.cost.total)


# ------------------------------------------------------------------ capacity


@st.composite
def new_region(draw, text: str):
    regions = [s for s in parse(text, "gen.spec")[0].statements
               if isinstance(s, ast.Decl) and s.kind == "region"]
    anchor = draw(st.sampled_from([r.name for r in regions]))
    price = draw(st.integers(10, 90)) / 100
    cap = f"; power_cap = {draw(st.integers(1, 500))} MW" if draw(st.booleans()) else ""
    tag = draw(st.sampled_from(["east", "west"]))
    # a leaf linked to one region: it cannot shorten any path between the others
    return (f"\nregion xn {{ power_price = {price} CNY/kWh; pue = 1.1; tags = [{tag}]{cap} }}\n"
            f"link xn -- {anchor} {{ latency = {draw(st.integers(1, 40))} ms; "
            f"transfer_cost = {draw(st.integers(0, 50)) / 1000} CNY/GB }}\n")


@st.composite
def new_node_type(draw, text: str):
    program = program_of(text)
    cls = draw(st.sampled_from(sorted({t.cls for t in program.node_types})))
    compute = {"general": (1, 10), "ai": (500, 8000), "hpc": (5, 40)}[cls]
    where = draw(st.sampled_from(["", f"; regions = [{program.regions[0].name}]"]))
    return (f"\nnode extra_type {{ class = {cls}; compute = {draw(st.integers(*compute))} TFLOPS; "
            f"storage = {draw(st.integers(1, 40))} TB; power = {draw(st.integers(1, 120)) / 10} kW; "
            f"capex = {draw(st.integers(20, 3000))}e3 CNY; lifetime = {draw(st.integers(3, 7))} years"
            f"{where} }}\n")


def raised_caps(text: str) -> list[sst.Perturbation]:
    program = program_of(text)
    out = [sst.Perturbation("custom", f"power_cap of {r.name} doubled", (f"region.{r.name}.power_cap*=2",))
           for r in program.regions if r.power_cap]
    out += [sst.Perturbation("custom", f"max_nodes of {r.name} doubled",
                             (f"region.{r.name}.max_nodes={2 * r.max_nodes}",))
            for r in program.regions if r.max_nodes]
    return out


@given(text=sst.specs(**SMALL), data=st.data())
def test_more_capacity_never_raises_the_cost(text, data):
    base = best(text)
    caps = raised_caps(text)
    kind = data.draw(st.sampled_from(["region", "node type", "cap"] if caps else ["region", "node type"]))
    if kind == "cap":
        more = best(text, data.draw(st.sampled_from(caps)))
    else:
        more = best(text + data.draw(new_region(text) if kind == "region" else new_node_type(text)))
    assert at_most(more.objective, base.objective), (kind, base.objective, more.objective)


@given(text=sst.specs(**SMALL), data=st.data())
def test_tightening_never_lowers_the_cost(text, data):
    """More demand, higher prices, a lost region or a lowered cap: infeasible or no cheaper.
    (A cut link is left out: other paths may have cheaper transfer costs.)"""
    base = best(text)
    kinds = ["demand_growth", "price_shock", "region_lost", "cap_lowered"]
    change = data.draw(sst.perturbations(text, kinds=kinds, max_growth=0.5))
    plan = sst.solve(text, change, gap=GAP)
    sst.check_plan(plan, feasible=None)
    if plan.status == "optimal":
        assert at_most(base.objective, plan.objective), (base.objective, plan.objective)
    else:  # only taking capacity away can make a generated spec infeasible
        assert plan.status == "infeasible" and change.kind in ("region_lost", "cap_lowered")


# ------------------------------------------------------------------ requires


@st.composite
def satisfied_require(draw, plan) -> str:
    """A require the plan satisfies, at most a little slack away from binding."""
    slack = draw(st.sampled_from([0, 0, 0.01, 0.5]))
    up = lambda v: f"{v * (1 + slack) + 1e-6 * max(1.0, abs(v)):.12g}"
    down = lambda v: f"{max(0.0, v * (1 - slack) - 1e-6 * max(1.0, abs(v))):.12g}"
    region = draw(st.sampled_from(plan.regions))
    choices = [
        f"require extra: cost <= {up(plan.cost.total)} CNY",
        f"require extra: nodes({region.name}) <= {math.ceil(sum(region.nodes.values()) * (1 + slack))}",
        f"require extra: power({region.name}) <= {up(region.power_mw)} MW",
        f"require extra: compute({region.name}) >= {down(region.compute_tflops)} TFLOPS",
        f"require extra: storage({region.name}) >= {down(region.storage_tb)} TB",
    ]
    for demand in plan.demands:
        for name, fraction in demand.regions.items():
            choices.append(f"require extra: served({demand.name}, {name}) >= {down(fraction)}")
    return draw(st.sampled_from(choices))


@given(text=sst.specs(**SMALL), data=st.data())
def test_a_require_the_optimum_satisfies_changes_nothing(text, data):
    base = best(text)
    require = data.draw(satisfied_require(base))
    again = best(text + "\n" + require + "\n")
    assert close(again.objective, base.objective), (require, base.objective, again.objective)
    extra = next(r for r in again.requires if r.name == "extra")
    assert extra.slack is not None


# ------------------------------------------------------------------ names and order

POOL = ["贵州", "zz_last", "a0", "Ω_hub", "m", "aa", "x_9", "北京", "q", "hub_二"]


def declared_names(module) -> list[str]:
    return [s.name for s in module.statements if isinstance(s, ast.Decl)]


def rename(text: str, mapping: dict[str, str]) -> str:
    pattern = re.compile(r"(?<!\w)(%s)(?!\w)" % "|".join(map(re.escape, mapping)))
    return pattern.sub(lambda m: mapping[m.group(1)], text)


def reorder(text: str, order: list[int]) -> str:
    module, _ = parse(text, "gen.spec")
    lines = text.split("\n")
    chunks = ["\n".join(lines[s.span.line - 1:s.span.end_line]) for s in module.statements]
    return "\n\n".join(chunks[i] for i in order) + "\n"


@given(text=sst.specs(**SMALL), data=st.data())
def test_renaming_and_reordering_change_nothing_but_names(text, data):
    module, _ = parse(text, "gen.spec")
    names = declared_names(module)
    fresh = data.draw(st.lists(st.sampled_from(POOL), min_size=len(names), max_size=len(names),
                               unique=True)) if len(names) <= len(POOL) else names
    mapping = {old: f"{new}_{i}" for i, (old, new) in enumerate(zip(names, fresh))}
    order = data.draw(st.permutations(range(len(module.statements))))
    changed = reorder(rename(text, mapping), list(order))
    base, other = best(text), best(changed)
    assert close(other.objective, base.objective), (base.objective, other.objective)
    assert {mapping.get(r.name, r.name) for r in base.regions} == {r.name for r in other.regions}
    assert {mapping.get(d.name, d.name) for d in base.demands} == {d.name for d in other.demands}
