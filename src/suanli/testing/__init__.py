"""Property-testing infrastructure plans with Hypothesis (public API; docs/testing.md).

    from hypothesis import given, settings
    import suanli.testing as sst

    SPEC = "specs/east-west.spec"

    @settings(max_examples=5, deadline=None)
    @given(sst.perturbations(SPEC, kinds=["demand_growth"], max_growth=0.20))
    def test_growth_stays_under_budget(p):
        sst.check_plan(sst.solve(SPEC, p), max_cost=1.2e9)

Strategies: `specs(...)` draws the text of a valid, feasible `.spec`;
`programs(...)` draws its compiled IR; `perturbations(spec)` draws the changes
a planner worries about (price shocks, demand growth, a region lost, a link
cut, a cap lowered) as `Perturbation` objects. Helpers: `solve(spec,
perturbation)` returns the verified plan of the perturbed spec, and
`check_plan(plan, ...)` asserts on it, raising `PlanPropertyError` with the
perturbation and the spec diff (base -> perturbed) when a property fails.

A perturbation is the language's own override mechanism (`--set` targets such
as `demand.web.compute*=1.2`) plus, for a cut link, removing the link's
declaration. `Perturbation.apply(text)` writes the same change into the spec
text, which is what the diff shows.

The package's modules: strategies (specs, programs), sources (spec paths and
text edits), perturbations, solving (through `suanli.solve`: one solve path
with the CLI) and assertions (check_plan). Import from `suanli.testing`.
"""

from __future__ import annotations

from suanli.testing.assertions import PlanPropertyError, check_plan
from suanli.testing.perturbations import KINDS, Perturbation, perturbations, scale_prices, spec_diff
from suanli.testing.solving import SolvedPlan, _solve_cached, solve  # noqa: F401 - the cache, for tests
from suanli.testing.sources import _remove_links  # noqa: F401 - used by tests (a link cut by hand)
from suanli.testing.strategies import CLASSES, SpecKnobs, programs, specs

__all__ = ["CLASSES", "KINDS", "Perturbation", "PlanPropertyError", "SolvedPlan", "SpecKnobs",
           "check_plan", "perturbations", "programs", "scale_prices", "solve", "spec_diff", "specs"]
