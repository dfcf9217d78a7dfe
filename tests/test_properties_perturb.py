"""The property-testing kit itself: perturbations, solve, check_plan and their messages."""

import os
import re

import pytest
from hypothesis import given, settings, strategies as st

import suanli.testing as sst
from suanli.compiler.pipeline import compile_spec
from suanli.diagnostics import CompileError

TINY = """settings { currency = CNY }
region a { power_price = 0.5 CNY/kWh; power_cap = 10 MW; tags = [east] }
region b {
  power_price = 0.3 CNY/kWh
  site_cost = 1e6 CNY
  tags = [west]
}
link a -- b { latency = 5 ms; transfer_cost = 0.01 CNY/GB }
node s { class = general; compute = 5 TFLOPS; storage = 10 TB; power = 1 kW; capex = 50e3 CNY }
node t extends s { compute = 6 TFLOPS }
demand web { class = general; compute = 100 TFLOPS; storage = 50 TB; origin = a; traffic = 1 Gbps }
require west_share: compute(west) >= 20% * compute(general)
assert budget: cost <= 10e6 CNY
assert advisory cheap: cost <= 1e6 CNY
"""


def without_spans(obj):
    if isinstance(obj, dict):
        return {k: without_spans(v) for k, v in obj.items()
                if k not in ("span", "root", "warnings")}
    if isinstance(obj, (list, tuple)):
        return [without_spans(v) for v in obj]
    if isinstance(obj, str) and "@" in obj:  # `require@file:line`: the line moves
        return re.sub(r"@[^\[]*", "@", obj)
    return obj


def compile_in(folder, text, overrides=()):
    path = folder / "gen.spec"
    path.write_text(text, encoding="utf-8")
    return compile_spec(str(path), overrides=overrides)


# ------------------------------------------------------------------ properties


@given(text=sst.specs(), data=st.data())
def test_a_perturbation_written_into_the_text_means_its_overrides(tmp_path_factory, text, data):
    """The diff a user sees is the change that was solved: apply(text) == --set overrides."""
    change = data.draw(sst.perturbations(text))
    folder = tmp_path_factory.mktemp("p")
    written = compile_in(folder, change.apply(text))
    kept = sst._remove_links(text, change.removed_links)
    overridden = compile_in(folder, kept, change.overrides)
    assert "# --set" not in change.apply(text)  # every target is written in place
    assert written.ok == overridden.ok, [d.message for d in written.diagnostics + overridden.diagnostics]
    if written.ok:
        assert without_spans(written.program.model_dump()) == without_spans(overridden.program.model_dump())
    else:  # a cut link stranded a demand: the same errors either way
        assert change.kind == "link_cut"
        assert [d.message for d in written.diagnostics] == [d.message for d in overridden.diagnostics]


@given(text=sst.specs(max_regions=3, max_demands=3, max_jobs=1), data=st.data())
def test_solving_a_perturbed_spec_gives_a_plan_or_an_explanation(text, data):
    change = data.draw(sst.perturbations(text))
    plan = sst.solve(text, change)
    assert plan.status in ("optimal", "infeasible", "error")
    if plan.status == "optimal":
        sst.check_plan(plan, asserts_hold=False)
    elif plan.status == "error":
        assert change.kind == "link_cut" and "does not compile" in plan.message
    assert change.description in plan.spec_diff or plan.spec_diff.startswith("---")


@given(program=sst.programs(max_regions=2, max_demands=1, max_jobs=0))
def test_programs_draw_the_ir(program):
    assert 1 <= len(program.regions) <= 2 and len(program.services) == 1 and not program.jobs


OFF = dict(links=False, site_costs=False, caps=False, residency=False, latency=False,
           requires=False, scenarios=False, carbon_price=False)


@given(text=sst.specs(min_regions=3, max_regions=3, max_node_types=2, max_demands=2, max_jobs=1,
                      classes=("ai",), **OFF))
def test_spec_knobs_choose_the_features(text):
    for word in ("link", "site_cost", "power_cap", "max_nodes", "residency", "max_latency",
                 "require", "scenario", "carbon_price", "general", "hpc"):
        assert word not in text
    assert text.count("region ") == 3 and text.count("demand ") <= 2 and text.count("job ") <= 1


# ------------------------------------------------------------------ examples


@given(data=st.data())
def test_perturbations_say_what_they_change(data):
    change = data.draw(sst.perturbations(TINY))
    assert change.kind in sst.KINDS and change.description in change.show()
    assert bool(change.overrides) != bool(change.removed_links)
    names = {"a", "b", "s", "t", "web", "settings"}
    for item in change.overrides:
        kind, name = item.split(".")[:2]
        assert kind in ("region", "node", "demand", "link", "settings") and name in names
        assert item.split(".")[1] in change.description or change.description.startswith(("every", "demand"))


def test_a_lost_region_moves_everything_elsewhere():
    lost = sst.solve(TINY, sst.Perturbation("region_lost", "region a lost", ("region.a.max_nodes=0",)))
    sst.check_plan(lost, asserts_hold=False)
    assert {r.name: sum(r.nodes.values()) for r in lost.regions}["a"] == 0
    assert lost.perturbation.description == "region a lost"
    assert "+region a { power_price = 0.5 CNY/kWh; power_cap = 10 MW; tags = [east]; max_nodes = 0 }" \
        in lost.spec_diff


def test_check_plan_failure_shows_the_perturbation_and_the_diff():
    base = sst.solve(TINY)
    growth = sst.Perturbation("demand_growth", "demand growth +50% (web)",
                              ("demand.web.compute*=1.5", "demand.web.storage*=1.5"))
    plan = sst.solve(TINY, growth)
    with pytest.raises(sst.PlanPropertyError) as err:
        sst.check_plan(plan, max_cost=base.cost.total, within_pct=10, baseline=base)
    text = str(err.value)
    assert "exceeds max_cost" in text and "from the baseline's" in text
    assert "perturbation: demand growth +50% (web)" in text
    assert "--set demand.web.compute*=1.5" in text
    assert "-demand web { class = general; compute = 100 TFLOPS; storage = 50 TB;" in text
    assert "+demand web { class = general; compute = 100 TFLOPS * 1.5; storage = 50 TB * 1.5;" in text
    assert len(err.value.failures) == 2


def test_check_plan_statuses_statements_and_costs():
    base = sst.check_plan(sst.solve(TINY), holds=["budget", "west_share"])
    assert base.spec == "spec" and base.requires[0].location == "spec:12:1"  # not a temporary path
    with pytest.raises(sst.PlanPropertyError, match="assert cheap fails"):
        sst.check_plan(base, holds=["cheap"])
    with pytest.raises(sst.PlanPropertyError, match="no require or assert named 'nope'"):
        sst.check_plan(base, holds=["nope"])
    with pytest.raises(sst.PlanPropertyError, match="expected no feasible plan"):
        sst.check_plan(base, feasible=False)
    with pytest.raises(ValueError, match="baseline"):
        sst.check_plan(base, within_pct=5)
    sst.check_plan(base, within_pct=0, baseline=base.cost.total, max_cost=base.cost.total)
    tight = sst.Perturbation("cap_lowered", "power_cap of a lowered", ("region.a.power_cap=1 kW",
                                                                      "region.b.max_nodes=0"))
    plan = sst.solve(TINY, tight)
    sst.check_plan(plan, feasible=False)
    with pytest.raises(sst.PlanPropertyError, match="no plan: status infeasible") as err:
        sst.check_plan(plan)
    assert "+  max_nodes = 0" in str(err.value) and "power_cap = 1 kW" in str(err.value)


def test_a_cut_link_that_strands_a_demand_is_reported_not_raised():
    strand = TINY.replace("origin = a", "origin = a; max_latency = 10 ms").replace(
        "compute = 5 TFLOPS;", "compute = 5 TFLOPS; regions = [b];")
    cut = sst.Perturbation("link_cut", "link a -- b cut", removed_links=(("a", "b"),))
    plan = sst.solve(strand, cut)
    assert plan.status == "error" and "does not compile" in plan.message
    with pytest.raises(sst.PlanPropertyError, match="-link a -- b"):
        sst.check_plan(plan)


def test_scale_prices_lists_every_money_quantity():
    change = sst.scale_prices(TINY, 3)
    assert change.kind == "prices_scaled" and change.description == "every price ×3"
    assert set(change.overrides) == {"region.a.power_price*=3", "region.b.power_price*=3",
                                     "region.b.site_cost*=3", "node.s.capex*=3", "node.t.capex*=3",
                                     "link.a.b.transfer_cost*=3"}
    assert "node t extends s { compute = 6 TFLOPS; capex = 50e3 CNY * 3 }" in change.apply(TINY)


def test_paths_and_text_give_the_same_perturbations(tmp_path):
    path = tmp_path / "tiny.spec"
    path.write_text(TINY, encoding="utf-8")
    change = sst.scale_prices(str(path), 2)
    assert change == sst.scale_prices(TINY, 2)
    assert sst.solve(path, change).cost.total == pytest.approx(2 * sst.solve(TINY).cost.total, rel=1e-6)
    assert sst.spec_diff(path, change) == sst.spec_diff(TINY, change).replace("spec", str(path), 2)


def test_specs_with_imports_are_perturbed_beside_their_root(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "nodes.spec").write_text(
        "node s { class = general; compute = 5 TFLOPS; storage = 10 TB; power = 1 kW; capex = 50e3 CNY }\n")
    root = tmp_path / "root.spec"
    root.write_text('import "lib/nodes.spec"\n' + "\n".join(
        line for line in TINY.splitlines() if not line.startswith("node")) + "\n")
    cut = sst.Perturbation("link_cut", "link a -- b cut", removed_links=(("a", "b"),))
    plan = sst.solve(root, cut)
    assert plan.status == "optimal"
    assert sorted(os.listdir(tmp_path)) == ["lib", "root.spec"]  # the temporary copy is gone
    shock = sst.scale_prices(root, 2)
    assert "# --set node.s.capex*=2" in shock.apply(root.read_text())  # declared in an import
    assert sst.solve(root, shock).status == "optimal"


def test_bad_arguments_are_reported():
    with pytest.raises(ValueError, match="unknown perturbation kinds"):
        sst.perturbations(TINY, kinds=["meteor"])
    with pytest.raises(CompileError):
        sst.perturbations("region a { pue = 0.5 }\n")
    with pytest.raises(FileNotFoundError, match="no spec file 'specs/nope.spec'"):
        sst.solve("specs/nope.spec")
    with pytest.raises(ValueError, match="nothing in the spec can be perturbed"):
        sst.perturbations(TINY, kinds=["cap_lowered"], max_cap_cut=0)


def test_a_failing_property_shrinks_to_a_readable_counterexample():
    base = sst.solve(TINY)

    @settings(max_examples=30, database=None, derandomize=True, deadline=None)
    @given(sst.perturbations(TINY, kinds=["demand_growth"], max_growth=0.5))
    def cost_grows_at_most_5_pct(change):
        sst.check_plan(sst.solve(TINY, change), within_pct=5, baseline=base)

    with pytest.raises(sst.PlanPropertyError) as err:
        cost_grows_at_most_5_pct()
    notes = "\n".join(getattr(err.value, "__notes__", []))
    assert "perturbation: demand growth +" in notes and "+++ spec (perturbed)" in notes
    assert "more than ±5%" in str(err.value)
