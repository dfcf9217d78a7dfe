"""The `PlanDiff` model (`suanli diff --format json`, docs/ci.md) and its value helpers.

Numbers are compared as they read back from the plan JSON (12 significant
digits); two values are equal within a relative 1e-9.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from suanli.rounding import round_sig
from suanli.solver.plan import Plan, PlanStatus

COST_PARTS = ("site", "capex", "opex", "energy", "network", "carbon")
METRICS = (("energy_mwh", "energy", "MWh"), ("renewable_energy_mwh", "renewable energy", "MWh"),
           ("carbon_tco2", "carbon", "tCO2"))
REL_TOL = 1e-9
DIFF_VERSION = 1


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValueChange(_M):
    name: str
    unit: str
    old: Optional[float] = None
    new: Optional[float] = None
    delta: Optional[float] = None
    pct: Optional[float] = None  # percent of old; null when old is 0 or a side has no value
    changed: bool = False


class NodeCountChange(_M):
    region: Optional[str] = None  # null: the total over all regions
    node_type: str
    old: float
    new: float
    delta: float


class RegionChange(_M):
    name: str
    old_open: Optional[bool] = None  # null: the region is not in that plan
    new_open: Optional[bool] = None
    nodes: list[NodeCountChange] = []
    power_mw: ValueChange
    energy_mwh: ValueChange


class PlacementChange(_M):
    kind: Literal["demand", "job", "backup"]  # backup: where a demand's §9 copies are held
    name: str
    old: Optional[str] = None  # readable placement; null when absent from that plan
    new: Optional[str] = None
    old_regions: dict[str, float] = {}
    new_regions: dict[str, float] = {}


class StatementChange(_M):
    kind: Literal["require", "assert"]
    name: str
    location: Optional[str] = None
    advisory: bool = False
    old: str  # holds | binding | pass | fail | absent | no plan
    new: str
    old_value: Optional[float] = None
    new_value: Optional[float] = None
    unit: str = ""


class PlanSide(_M):
    spec: str
    scenario: Optional[str] = None
    status: PlanStatus
    message: Optional[str] = None  # why there is no plan
    infeasibility: list[str] = []  # the plan's explanation, when infeasible
    objective: Optional[float] = None
    objective_unit: str
    currency: str
    gap: Optional[float] = None  # the plan's proven relative gap (null: unknown)
    failing_asserts: list[str] = []
    failing_advisory: list[str] = []


class Budget(_M):
    max_increase: Optional[float] = None  # a fraction (0.05 = 5%); null: report only
    increase: Optional[float] = None  # relative total-cost change; null when not computable
    exceeded: bool = False
    rose: list[ValueChange] = []  # cost parts that rose, the largest rise first
    message: str


class YearChange(_M):
    """Multi-year plans (LANGUAGE.md §8): what changed in one year (years.py)."""

    year: int
    total: ValueChange  # the year's cost, undiscounted
    builds: list[NodeCountChange] = []
    regions: list[RegionChange] = []


class PlanDiff(_M):
    diff_version: int = DIFF_VERSION
    old: PlanSide
    new: PlanSide
    currency: str
    changed: bool
    status_changed: bool
    total: ValueChange
    cost: list[ValueChange]  # every part, then total
    metrics: list[ValueChange]  # energy, renewable energy, carbon
    regions: list[RegionChange] = []  # regions with any change
    node_types: list[NodeCountChange] = []  # totals per node type that changed
    placements: list[PlacementChange] = []
    statements: list[StatementChange] = []
    budget: Optional[Budget] = None
    notes: list[str] = []
    years: Optional[list[YearChange]] = Field(None, exclude_if=lambda v: v is None)  # multi-year plans



def same(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def value_change(name: str, unit: str, old: Optional[float], new: Optional[float]) -> ValueChange:
    delta = pct = None
    if old is not None and new is not None:
        delta = 0.0 if same(old, new) else round_sig(new - old)
        pct = None if old == 0 else round_sig(100.0 * delta / abs(old))
    return ValueChange(name=name, unit=unit, old=old, new=new, delta=delta, pct=pct,
                       changed=not same(old, new))


def has_plan(plan: Plan) -> bool:
    return plan.status in ("optimal", "feasible") and plan.cost.total is not None

