"""`verify` of the plans §11 embeds: each satisfies the program, its objective
respects the bound B, and each reported value equals METRIC re-evaluated on
its plan. Independent of lowering, like verify.py: values come from the plan's
own decisions through the evaluator of §6."""

from __future__ import annotations

from suanli.compiler.ir import Program
from suanli.solver.evaluate import Evaluator
from suanli.solver.extract import state_from_plan
from suanli.solver.index import Index
from suanli.solver.near_optimal import DEFAULT_SLACK, slack_bound  # the default for plans that do not record it
from suanli.solver.plan import Plan
from suanli.solver.verify import _close, _le, verify
from suanli.solver.year_verify import plan_evaluators


def verify_near(program: Program, plan: Plan) -> list[str]:
    out: list[str] = []
    bound = None
    if plan.near_optimal is not None:
        bound = plan.near_optimal.bound
        out += _bound_matches(plan)
        for key in ("min", "max"):
            out += [f"near_optimal.{key}: {v}" for v in _range_end(program, plan, key)]
    for k, alt in enumerate(plan.alternatives or [], 1):
        alt_bound, problems = _alternative_bound(plan, alt, bound)
        out += [f"alternatives[{k}]: {v}" for v in problems + _within(program, plan, alt.plan, alt_bound)]
    return out


def _alternative_bound(plan: Plan, alt, near_bound: float | None) -> tuple[float | None, list[str]]:
    """The B an alternative was found within: from its own `slack` (and `bound`,
    checked against z* and that slack); a plan file without them (older
    versions) falls back to near_optimal's bound, else the default 5%."""
    if plan.objective is None:
        return near_bound, []
    if alt.slack is None:
        return (near_bound if near_bound is not None else _bound(plan, DEFAULT_SLACK)), []
    expected = _bound(plan, alt.slack)
    if alt.bound is not None and not _close(alt.bound, expected, 1.0):
        return expected, [f"its bound is {alt.bound}, but z* + S|z*| = {expected} with its slack {alt.slack}"]
    return expected, []


def _bound(plan: Plan, slack: float) -> float:
    return slack_bound(float(plan.objective), slack, plan.objective_sense)


def _bound_matches(plan: Plan) -> list[str]:
    near = plan.near_optimal
    if plan.objective is None:
        return ["near_optimal is reported beside a plan without an objective"]
    expected = _bound(plan, near.slack)
    if not _close(near.bound, expected, 1.0):
        return [f"near_optimal.bound is {near.bound}, but z* + S|z*| = {expected}"]
    return []


def _range_end(program: Program, plan: Plan, key: str) -> list[str]:
    end = getattr(plan.near_optimal, key)
    if end.plan is None:
        return [] if end.value is None else ["a value is reported without its plan"]
    out = _within(program, plan, end.plan, plan.near_optimal.bound)
    metric = program.near_metric
    if metric is None or metric.text != plan.near_optimal.metric:
        return out + ["the metric could not be re-evaluated (verify compiles it from the plan's `metric`)"]
    value = _metric_on(program, end.plan, metric) / (metric.dimension.unit_scale or 1.0)
    if end.value is None or not _close(end.value, value, 1.0):
        out.append(f"the reported value {end.value} {metric.dimension.unit} differs from "
                   f"{metric.text} = {value:.12g} re-evaluated on its plan")
    return out


def _metric_on(program: Program, sub: Plan, metric) -> float:
    """METRIC on an embedded plan; with years, in its year `at Y` (or on totals)."""
    if program.years is None:
        return Evaluator(program, state_from_plan(program, sub), Index(program)).linexpr(metric.expr)
    if [e.year for e in sub.years or []] != list(program.years.years):
        return float("nan")  # verify_years reports the years that do not match
    year_evs, totals = plan_evaluators(program, sub)
    ev = totals if metric.year is None else year_evs[metric.year - program.years.first]
    return ev.linexpr(metric.expr)


def _within(program: Program, plan: Plan, sub: Plan, bound: float | None) -> list[str]:
    out = verify(program, sub)
    if bound is None or sub.objective is None:
        return out + ([] if bound is None else ["an embedded plan has no objective"])
    ok = (_le(sub.objective, bound, 1.0) if plan.objective_sense == "minimize"
          else _le(bound, sub.objective, 1.0))
    if not ok:
        out.append(f"its objective {sub.objective} {plan.objective_unit} is beyond the bound {bound}")
    return out
