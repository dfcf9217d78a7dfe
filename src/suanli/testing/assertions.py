"""`check_plan`: assert properties of a plan; failures name the perturbation and the spec diff."""

from __future__ import annotations

import math
from typing import Optional, Sequence, Union

from suanli.solver.plan import Plan
from suanli.status import has_solution
from suanli.testing.perturbations import _diff
from suanli.testing.solving import SolvedPlan, _in_hypothesis
from suanli.tolerances import HOLDS_ABS, SAME_REL, ZERO


# ====================================================================== assertions


class PlanPropertyError(AssertionError):
    """A plan property failed. The message shows what failed, the perturbation and the spec diff."""

    def __init__(self, failures: list[str], plan: Plan):
        self.failures = failures
        self.plan = plan
        super().__init__(_report(failures, plan))


def check_plan(plan: Plan, *, feasible: Optional[bool] = True, verified: bool = True,
               requires_hold: bool = True, asserts_hold: bool = True, holds: Sequence[str] = (),
               max_cost: Optional[float] = None, baseline: Union[Plan, float, None] = None,
               within_pct: Optional[float] = None) -> Plan:
    """Assert properties of a plan; raise PlanPropertyError listing every one that fails.

    feasible: True needs a plan (status optimal or feasible), False needs "infeasible",
    None accepts either. verified: the independent verifier found nothing (plans from
    `solve`). requires_hold / asserts_hold: every require, every mandatory assert holds.
    holds: names of requires or asserts (advisory ones too) that must hold. max_cost:
    cost.total <= max_cost. within_pct with baseline (a plan or a cost): cost.total is
    within that many percent of the baseline's, either way. Returns the plan.
    """
    __tracebackhide__ = True  # pytest: show the caller's line, not this function
    failures = _status_failures(plan, feasible)
    if has_solution(plan.status):
        if verified and isinstance(plan, SolvedPlan):
            failures += [f"the verifier rejects the plan: {v}" for v in plan.violations]
        failures += _statement_failures(plan, requires_hold, asserts_hold, holds)
        failures += _cost_failures(plan, max_cost, baseline, within_pct)
    if failures:
        raise PlanPropertyError(failures, plan)
    return plan


def _status_failures(plan: Plan, feasible: Optional[bool]) -> list[str]:
    has_plan = has_solution(plan.status)
    if feasible is True and not has_plan:
        why = [f"\n      {i.message}" for i in plan.infeasibility]
        return [f"no plan: status {plan.status}" + (f" ({plan.message})" if plan.message else "")
                + "".join(why)]
    if feasible is False and plan.status != "infeasible":
        return [f"expected no feasible plan, got status {plan.status}"]
    return []


def _statement_failures(plan: Plan, requires_hold: bool, asserts_hold: bool,
                        holds: Sequence[str]) -> list[str]:
    out = []
    results = {s.name: s for s in (*plan.requires, *plan.asserts)}
    for name in holds:
        if name not in results:
            out.append(f"no require or assert named {name!r}; the plan has: {', '.join(sorted(results))}")
        elif not _holds(results[name]):
            out.append(_broken(results[name]))
    if requires_hold:
        out += [_broken(s) for s in plan.requires if s.name not in holds and not _holds(s)]
    if asserts_hold:
        out += [_broken(s) for s in plan.asserts
                if not s.advisory and s.name not in holds and not _holds(s)]
    return out


def _holds(result) -> bool:
    if result.passed is not None:
        return result.passed
    scale = max(1.0, abs(result.bound or 0.0), abs(result.value or 0.0))
    return result.slack is None or result.slack >= -HOLDS_ABS * scale


def _broken(result) -> str:
    kind = "assert" if result.passed is not None else "require"
    return (f"{kind} {result.name} fails at {result.location}: value {_num_text(result.value)} "
            f"{result.op} bound {_num_text(result.bound)} {result.unit}".rstrip())


def _cost_failures(plan: Plan, max_cost, baseline, within_pct) -> list[str]:
    cost, cur, out = plan.cost.total, plan.currency, []
    if cost is None:
        return ["the plan has no cost"] if max_cost is not None or within_pct is not None else []
    if max_cost is not None and cost > max_cost * (1 + SAME_REL):
        out.append(f"cost {_money(cost, cur)} exceeds max_cost {_money(max_cost, cur)}")
    if within_pct is not None:
        if baseline is None:
            raise ValueError("within_pct needs a baseline (a plan or a cost)")
        base = baseline.cost.total if isinstance(baseline, Plan) else float(baseline)
        if base is None:
            out.append("the baseline plan has no cost")
        elif abs(cost - base) > within_pct / 100 * abs(base) * (1 + SAME_REL) + ZERO:
            change = (cost - base) / base * 100 if base else math.inf
            out.append(f"cost {_money(cost, cur)} is {change:+.2f}% from the baseline's "
                       f"{_money(base, cur)}, more than ±{within_pct:g}%")
    return out


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}".strip() if abs(value) < 1e4 else f"{value:,.0f} {currency}".strip()


def _num_text(value: Optional[float]) -> str:
    return "undefined" if value is None else f"{value:.6g}"


def _report(failures: list[str], plan: Plan) -> str:
    ctx = plan._context if isinstance(plan, SolvedPlan) else None
    lines = [f"plan property failed ({len(failures)}):"] + [f"  - {f}" for f in failures]
    if ctx is not None:
        lines.append(f"spec: {ctx.spec}")
        diff = _diff(ctx.base_text, ctx.perturbed_text, ctx.spec)
        if ctx.perturbation is None:
            lines.append("perturbation: none (the base spec)")
        elif plan._noted and _in_hypothesis():  # solve() noted the perturbation and the diff: not twice
            lines.append(f"perturbation: {ctx.perturbation.description} (the change and the spec "
                         "diff are in the notes below)")
        else:
            lines += [ctx.perturbation.show(), "spec diff (base -> perturbed):", diff.rstrip("\n")]
    if has_solution(plan.status) and plan.cost.total is not None:
        lines.append(f"plan: status {plan.status}, cost {_money(plan.cost.total, plan.currency)}")
    return "\n".join(lines)
