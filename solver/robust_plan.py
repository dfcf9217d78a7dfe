"""The robust plan (docs/plan.md, "Robust plans"): shared builds + one sub-plan per scenario.

The top level keeps the keys scripts read from any plan (`status`, `objective`,
`cost`, ...) with robust meanings: `objective` is the robust objective (mean or
worst of the scenarios'), `cost` is the mean over the scenarios of each part.
`builds` holds the shared decisions (sites and node counts per region);
`scenarios[]` holds each scenario's whole plan (section 7), whose regions carry
the same node counts. Serialised like plan.py: keys sorted, 12 significant digits.
"""

from __future__ import annotations

import json
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from suanli.solver.plan import (
    SCHEMA_VERSION, Cost, Infeasibility, Number, Plan, PlanStatus, PlanWarning, _rounded,
)

COST_PARTS = ("total", "site", "capex", "opex", "energy", "network", "carbon")


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Build(_M):
    region: str
    open: bool
    nodes: dict[str, Number]


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
    scenarios: list[ScenarioPlan] = []
    infeasibility: list[Infeasibility] = []
    warnings: list[PlanWarning] = []

    def sub_plan(self, name: str) -> Optional[Plan]:
        return next((s.plan for s in self.scenarios if s.name == name), None)


def builds_of(plan: Plan) -> list[Build]:
    return [Build(region=r.name, open=r.open, nodes=dict(r.nodes)) for r in plan.regions]


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
