"""The robust plan (docs/plan.md, "Robust plans"): shared builds + one sub-plan per scenario.

The top level keeps the keys scripts read from any plan (`status`, `objective`,
`cost`, ...) with robust meanings: `objective` is the robust objective (mean or
worst of the scenarios'), `cost` is the mean over the scenarios of each part.
`builds` holds the shared decisions (sites and node counts per region);
`scenarios[]` holds each scenario's whole plan (section 7), whose regions carry
the same node counts. With years (§8), `builds` is the last year's (as a
multi-year plan's `regions`), and `years[]` holds the shared build-out year by
year: `{year, regions: [{name, open, builds, nodes}]}`, the §8 keys of each
sub-plan's `years[].regions[]` that every scenario shares. Serialised like plan.py: keys sorted, 12 significant digits.
"""

from __future__ import annotations

import json
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from suanli.solver.plan import (
    SCHEMA_VERSION, Cost, Infeasibility, Number, Plan, PlanStatus, PlanWarning, _absent, _rounded,
)

COST_PARTS = ("total", "site", "capex", "opex", "energy", "network", "carbon")


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Build(_M):
    region: str
    open: bool
    nodes: dict[str, Number]


class YearBuild(_M):
    name: str
    open: bool
    builds: dict[str, Number]  # nodes built this year per type
    nodes: dict[str, Number]  # installed this year per type


class YearBuilds(_M):
    year: int
    regions: list[YearBuild]


class RobustInfo(_M):
    scenarios: list[str]
    objective: Literal["mean", "max"]


class ScenarioPlan(_M):
    name: str
    plan: Plan


class RobustPlan(_M):
    schema_version: int = SCHEMA_VERSION
    status: PlanStatus
    message: Optional[str] = None
    spec: str
    robust: RobustInfo
    solver: str
    relaxed: bool = False
    objective: Optional[float] = None
    objective_unit: str
    objective_sense: Literal["minimize", "maximize"]
    gap: Optional[float] = None
    currency: str
    cost: Cost
    builds: list[Build] = []
    years: Optional[list[YearBuilds]] = Field(
        None, exclude_if=_absent, description="multi-year specs only: the shared build-out per year")
    scenarios: list[ScenarioPlan] = []
    infeasibility: list[Infeasibility] = []
    warnings: list[PlanWarning] = []

    def sub_plan(self, name: str) -> Optional[Plan]:
        return next((s.plan for s in self.scenarios if s.name == name), None)


def builds_of(plan: Plan) -> list[Build]:
    return [Build(region=r.name, open=r.open, nodes=dict(r.nodes)) for r in plan.regions]


def year_builds_of(plan: Plan) -> Optional[list[YearBuilds]]:
    if plan.years is None:
        return None
    return [YearBuilds(year=y.year, regions=[YearBuild(name=r.name, open=r.open, builds=dict(r.builds),
                                                       nodes=dict(r.nodes)) for r in y.regions])
            for y in plan.years]


def mean_cost(plans: list[Plan]) -> Cost:
    if not plans or any(p.cost.total is None for p in plans):
        return Cost()
    return Cost(**{part: sum(getattr(p.cost, part) for p in plans) / len(plans) for part in COST_PARTS})


def is_robust(data) -> bool:
    return isinstance(data, dict) and "robust" in data and "scenarios" in data


def dumps(plan: RobustPlan) -> str:
    data = _rounded(plan.model_dump(mode="json", exclude_none=False))
    return json.dumps(data, allow_nan=False, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def loads(text: str) -> RobustPlan:
    return RobustPlan.model_validate(json.loads(text))


def year_rows(plan: RobustPlan) -> list[list[str]]:
    """One row per year and region that is open or has nodes (the whole build-out)."""
    from suanli.solver.render import num

    kinds = lambda d: ", ".join(f"{t}={num(v)}" for t, v in sorted(d.items())) or "-"
    return [[str(y.year), r.name, "yes" if r.open else "no", kinds(r.builds), kinds(r.nodes)]
            for y in plan.years or [] for r in y.regions if r.open or r.nodes]


def render(plan: RobustPlan, fmt: str = "table") -> str:
    from suanli.solver.render import _table, num

    md = fmt == "markdown"
    head = f"Robust plan for {plan.spec}"
    out = [("# " if md else "") + head, "",
           f"status     {plan.status}" + (f" ({plan.message})" if plan.message else ""),
           f"scenarios  {', '.join(plan.robust.scenarios)}",
           f"objective  {plan.robust.objective} = {num(plan.objective)} {plan.objective_unit}", ""]
    rows = [[b.region, "yes" if b.open else "no",
             ", ".join(f"{t}={num(v)}" for t, v in sorted(b.nodes.items())) or "-"] for b in plan.builds]
    out += _table("Shared builds" + (" (last year)" if plan.years else ""), ["region", "open", "nodes"], rows, md)
    if plan.years:
        out += _table("Shared build-out per year", ["year", "region", "open", "builds", "installed nodes"],
                      year_rows(plan), md)
    rows = []
    for s in plan.scenarios:
        failed = [a.name for a in s.plan.asserts if not a.passed and not a.advisory]
        rows.append([s.name, s.plan.status, num(s.plan.objective), num(s.plan.cost.total),
                     num(s.plan.carbon_tco2), ", ".join(failed) or "-"])
    out += _table(f"Scenarios ({plan.currency})", ["scenario", "status", "objective", "cost", "carbon tCO2",
                                                   "failed asserts"], rows, md)
    out += [f"- {i.message}" for i in plan.infeasibility]
    return "\n".join(out).rstrip() + "\n"
