"""LANGUAGE.md §9 on generated specs: the testing kit's §9 knobs draw memory,
media, AI sizing and backups; every draw compiles, solves, verifies, and the
metamorphic laws (price scaling, demand growth) still hold."""

import re

from hypothesis import given, settings, strategies as st

import suanli.testing as sst
from test_properties_laws import at_most, best, close, program_of

S9 = dict(max_regions=3, max_demands=3, max_jobs=1, memory=True, media=True, ai_sizing=True, backups=True)


@given(text=sst.specs(**S9))
def test_s9_specs_compile_solve_and_verify(text):
    plan = best(text)  # check_plan: optimal and verified
    program = program_of(text)
    assert close(plan.objective, plan.cost.total)
    assert all(r.memory_tb is not None for r in plan.regions)
    with_backups = [s for s in program.services if s.backups > 0]
    for dem in plan.demands:
        assert (dem.backups is not None) == bool(with_backups)
    for svc in with_backups:
        dem = next(d for d in plan.demands if d.name == svc.name)
        assert len(dem.backups) == svc.backups


def test_the_knobs_draw_every_s9_feature():
    seen = set()

    @settings(max_examples=40, database=None)
    @given(text=sst.specs(**S9))
    def collect(text):
        for word in ("memory =", "media = ssd", "params =", "tokens =", "token_rate =", "backups = 1",
                     "storage(ssd)"):
            if word in text:
                seen.add(word)

    collect()
    assert seen == {"memory =", "media = ssd", "params =", "tokens =", "token_rate =", "backups = 1",
                    "storage(ssd)"}


@given(text=sst.specs(**S9), k=st.sampled_from(["2", "0.5"]))
def test_s9_scaling_every_price_scales_the_cost(text, k):
    base = best(text)
    scaled = best(text, sst.scale_prices(text, k))
    assert close(scaled.objective, float(k) * base.objective), (base.objective, scaled.objective)


@given(text=sst.specs(**S9))
def test_s9_more_memory_demanded_never_lowers_the_cost(text):
    base = best(text)
    targets = [f"demand.{s.name}.memory" for s in program_of(text).services if s.memory > 0]
    if not targets:
        return
    grown = best(text, sst.Perturbation("memory_growth", "memory x1.5", tuple(f"{t}*=1.5" for t in targets)))
    assert at_most(base.objective, grown.objective)


def test_ai_sized_specs_equal_the_same_spec_written_with_work():
    """6·N·D and 2·N·rate are exactly the work and compute a planner would write."""
    ai = ("region r { power_price = 0.5 CNY/kWh }\n"
          "node gpu { class = ai; compute = 1000 TFLOPS; power = 10 kW; capex = 1e6 CNY; lifetime = 5 years }\n"
          "job train { class = ai; params = 7e9; tokens = 2e12; deadline = 60 days }\n"
          "demand chat { class = ai; params = 7e10; token_rate = 2e4 / s }\n")
    plain = re.sub(r"params = 7e9; tokens = 2e12", "work = 8.4e22 FLOP", ai)
    plain = re.sub(r"params = 7e10; token_rate = 2e4 / s", "compute = 2.8 PFLOPS", plain)
    assert close(best(ai).objective, best(plain).objective, 1e-12)
    assert best(ai).jobs[0].nodes == best(plain).jobs[0].nodes


@given(text=sst.specs(**S9), data=st.data())
def test_s9_demand_growth_never_lowers_the_cost(text, data):
    """Growth scales what the spec wrote: tokens and token_rate for AI-sized workloads."""
    base = best(text)
    grown = data.draw(sst.perturbations(text, kinds=["demand_growth"], max_growth=0.3))
    assert at_most(base.objective, best(text, grown).objective)


def test_growth_of_ai_sized_workloads_scales_tokens_and_token_rate():
    text = ("region r {}\nnode g { class = ai; compute = 1 PFLOPS; power = 1 kW; capex = 1e5 CNY }\n"
            "job t { class = ai; params = 7e9; tokens = 1e11; deadline = 30 days }\n"
            "demand d { class = ai; params = 7e9; token_rate = 100 / s }\n")
    from hypothesis import find

    p = find(sst.perturbations(text, kinds=["demand_growth"], max_growth=0.2), lambda p: True)
    assert {o.split("*=")[0] for o in p.overrides} == {"job.t.tokens", "demand.d.token_rate"}
