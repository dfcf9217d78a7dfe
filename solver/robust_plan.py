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
