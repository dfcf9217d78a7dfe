"""Solving a (perturbed) spec through the public API (`suanli.solve`): one solve path."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from hypothesis import currently_in_test_context, note
from pydantic import PrivateAttr

from suanli.solver.plan import Cost, Plan
from suanli.testing.perturbations import Perturbation, _diff
from suanli.testing.sources import SpecLike, _Source, _base, _source, _spec_arg
from suanli.tolerances import DEFAULT_GAP


# ====================================================================== solving


@dataclass(frozen=True)
class _Context:
    spec: str
    base_text: str
    perturbed_text: str
    perturbation: Optional[Perturbation]
    violations: tuple[str, ...] = ()
    diagnostics: tuple[str, ...] = ()


class SolvedPlan(Plan):
    """A Plan that remembers the spec, the perturbation and the verifier's findings."""

    _context: Optional[_Context] = PrivateAttr(default=None)
    _noted: bool = PrivateAttr(default=False)  # the perturbation is in Hypothesis's notes

    @property
    def perturbation(self) -> Optional[Perturbation]:
        return self._context.perturbation if self._context else None

    @property
    def violations(self) -> tuple[str, ...]:
        """What the independent verifier found wrong with the plan (normally nothing)."""
        return self._context.violations if self._context else ()

    @property
    def spec_diff(self) -> str:
        ctx = self._context
        return _diff(ctx.base_text, ctx.perturbed_text, ctx.spec) if ctx else ""


def solve(spec: SpecLike, perturbation: Optional[Perturbation] = None, *, scenario: Optional[str] = None,
          solver: str = "highs", relax: bool = False, gap: float = DEFAULT_GAP,
          time_limit: Optional[float] = None, tie_break: bool = True) -> SolvedPlan:
    """Solve `spec` (a path or spec text) under `perturbation`; return the verified plan.

    The options are `suanli solve`'s (`tie_break=False` is `--no-tie-break`: faster,
    but equal-cost plans may vary). A base spec that does not compile raises
    CompileError. A perturbed spec that does not compile (a cut link stranding a
    demand) gives a plan with status "error" whose message lists the diagnostics.
    Results are cached, so shrinking is cheap. Inside a Hypothesis test the
    perturbation and the spec diff are recorded with `note()`.
    """
    src = _source(spec)
    _base(src, scenario)  # the base spec must compile
    key = (src, perturbation, scenario, solver, relax, gap, time_limit, tie_break)
    plan = _solve_cached(*key).model_copy(deep=True)
    if perturbation is not None and _in_hypothesis():
        note(f"{perturbation.show()}\nspec diff (base -> perturbed):\n{plan.spec_diff}")
        plan._noted = True
    return plan


@functools.lru_cache(maxsize=256)
def _solve_cached(src: _Source, perturbation, scenario, solver, relax, gap, time_limit,
                  tie_break) -> SolvedPlan:
    """One solve through the public API (`suanli.solve`), the plan named after `src`."""
    p = perturbation or Perturbation("none", "no perturbation")
    spec, base, compiled = _spec_arg(src, p.removed_links)
    named = (lambda text: text.replace(compiled, src.name)) if compiled != src.name else (lambda text: text)
    changed = p.apply(src.text) if perturbation is not None else src.text
    plan, violations, messages = _api_solve(spec, base, named, scenario=scenario, overrides=p.overrides,
                                            solver=solver, relax=relax, gap=gap, time_limit=time_limit,
                                            tie_break=tie_break)
    if plan is None:
        plan = _as_solved(_error_plan(src.name, solver, "the perturbed spec does not compile: "
                                      + "; ".join(messages)))
    else:
        plan = _as_solved(plan)
        plan.spec = src.name  # not the text or copy that was compiled
        for item in (*plan.requires, *plan.asserts, *plan.infeasibility, *plan.warnings):
            item.location = named(item.location) if item.location else item.location
    plan._context = _Context(src.name, src.text, changed, perturbation, violations, messages)
    return plan


def _api_solve(spec, base, named, **options):
    """(plan or None, the verifier's findings, compile errors): the plan whatever its status;
    a plan that failed verification is kept as solved, its violations reported beside it."""
    from suanli import api
    from suanli.diagnostics import CompileError
    from suanli.errors import Infeasible, NoPlan

    try:
        return api.solve(spec, base=base, **options), (), ()
    except CompileError as exc:
        return None, (), tuple(named(f"{d.span}: {d.message}" if d.span else d.message)
                               for d in exc.diagnostics if d.severity.value == "error")
    except Infeasible as exc:
        return exc.plan, (), ()
    except NoPlan as exc:
        if exc.violations:
            return exc.unverified_plan, tuple(named(v) for v in exc.violations), ()
        return exc.plan, (), ()


def _as_solved(plan: Plan) -> SolvedPlan:
    return SolvedPlan.model_construct(_fields_set=set(plan.model_fields_set),
                                      **{name: getattr(plan, name) for name in Plan.model_fields})


def _error_plan(name: str, solver: str, message: str) -> Plan:
    return Plan(status="error", message=message, spec=name, solver=solver, objective=None,
                objective_unit="", objective_sense="minimize", currency="", horizon_h=0.0, cost=Cost())


def _in_hypothesis() -> bool:
    return currently_in_test_context()
