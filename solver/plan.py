"""The plan: what `solve` prints and `verify` reads (docs/plan.md).

Units are in the field names (`_mw`, `_mwh`, `_tflops`, `_tb`, `_gbps`,
`_ms`, `_h`, `_tco2`); money is in `currency`. Serialisation is
deterministic: keys sorted, lists sorted by name, floats rounded to 12
significant digits and |v| < 1e-9 written as 0.

Relaxed plans (`relaxed: true`, from `--relax`) carry their fractional
decisions in two extra fields that integer plans omit (so integer plans
read exactly as before): `regions[].open_fraction` and `jobs[].placements`.
`open_fraction` is the one float not written as 0 below 1e-9 (see _sig).
"""

from __future__ import annotations

import json
import math
import os
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from suanli.rounding import round_sig

SCHEMA_VERSION = 1
PlanStatus = Literal["optimal", "feasible", "infeasible", "time_limit", "error"]
Number = Union[int, float]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Cost(_M):
    total: Optional[float] = None
    site: Optional[float] = None
    capex: Optional[float] = None
    opex: Optional[float] = None
    energy: Optional[float] = None
    network: Optional[float] = None
    carbon: Optional[float] = None


def _omitted(description: str):
    """A field left out of the JSON while it is None (plans without the feature read as before)."""
    return Field(None, exclude_if=_absent, description=description)


def _absent(v) -> bool:
    return v is None


class RegionPlan(_M):
    name: str
    open: bool = Field(description="site decision; in a relaxed plan: open_fraction > 0 "
                                   "(regions without site cost: open where nodes stand)")
    open_fraction: Optional[float] = _omitted(
        "relaxed plans only (omitted otherwise): the LP's open[r] in [0,1] for a region "
        "with site cost; 1 or 0 (as `open`) for other regions")
    nodes: dict[str, Number] = Field(description="node count per node type (non-zero only)")
    power_mw: float
    energy_mwh: float
    compute_tflops: float
    storage_tb: float
    memory_tb: Optional[float] = _omitted(
        "installed memory (§9); present only when the spec uses memory (a node type, "
        "demand or job with memory > 0)")
    utilization: dict[str, Optional[float]] = Field(
        description="per class: compute work placed / (horizon x installed compute); null without compute")


class DemandPlan(_M):
    name: str
    regions: dict[str, float] = Field(description="fraction served in each region (non-zero only)")
    latency_ms: Optional[float] = Field(description="largest path latency from the origin to a serving region")
    compute_tflops: Optional[float] = _omitted(
        "§9: the compute derived as 2 x params x token_rate (only for demands sized that way)")
    backups: Optional[list[str]] = _omitted(
        "§9: regions holding a backup copy, by name; present on every demand when the "
        "spec has a demand with backups > 0 ([] for the others)")
    backup_fractions: Optional[dict[str, float]] = _omitted(
        "relaxed plans with backups only: the LP's z[d,b] > 0 per region")


class JobPlacement(_M):
    region: str
    node_type: str
    fraction: float = Field(description="y[j,r,t] in (0,1]: the share of the job placed here")
    nodes: int = Field(description="N_jt (Amdahl sizing)")
    runtime_h: float = Field(description="tau(N_jt)")


class JobPlan(_M):
    name: str
    region: Optional[str] = Field(description="in a relaxed plan: of the largest-fraction placement")
    node_type: Optional[str]
    nodes: Optional[int]
    runtime_h: Optional[float]
    latency_ms: Optional[float] = None
    work_pflop: Optional[float] = _omitted(
        "§9: the work derived as 6 x params x tokens (only for jobs sized that way)")
    placements: Optional[list[JobPlacement]] = _omitted(
        "relaxed plans only (omitted otherwise): every placement with y > 0, "
        "by region then node type; the fractions sum to 1")


class LinkPlan(_M):
    a: str
    b: str
    latency_ms: float
    bandwidth_gbps: Optional[float] = Field(description="per direction; null = unlimited")
    traffic_ab_gbps: float = Field(description="traffic a -> b (services' traffic + jobs' data/deadline)")
    traffic_ba_gbps: float = Field(description="traffic b -> a")


class StatementResult(_M):
    name: str
    policy: Optional[str] = None
    location: str
    op: str
    value: Optional[float] = Field(description="left side, in `unit`; null when undefined (x/0)")
    bound: Optional[float] = Field(description="right side, in `unit` (null for `in`)")
    lower: Optional[float] = None
    upper: Optional[float] = None
    unit: str
    slack: Optional[float] = Field(None, description="distance to the violated side; >= 0 when it holds")
    binding: Optional[bool] = None
    passed: Optional[bool] = None
    advisory: bool = False


class ShadowPrice(_M):
    constraint: str
    location: Optional[str] = None
    value: float = Field(description="objective change per one more unit of the bound (over the horizon)")
    unit: str = Field(description="objective unit per bound unit, e.g. CNY/MW")
    description: str


class PlanWarning(_M):
    code: str
    message: str
    location: Optional[str] = None


class Infeasibility(_M):
    constraint: str
    location: Optional[str] = None
    shortfall: float
    unit: str
    message: str


class YearRegionPlan(RegionPlan):
    builds: dict[str, Number] = Field(description="nodes built this year per node type (non-zero only)")


class YearPlan(_M):
    """One year of a multi-year build-out (LANGUAGE.md §8)."""

    year: int
    discount_factor: float = Field(description="1 / (1 + discount_rate)^(year - first year)")
    cost: Cost = Field(description="this year's cost parts, undiscounted")
    energy_mwh: float
    renewable_energy_mwh: float
    carbon_tco2: float
    regions: list[YearRegionPlan]
    demands: list[DemandPlan]
    jobs: list[JobPlan]
    links: list[LinkPlan]


class Plan(_M):
    schema_version: int = SCHEMA_VERSION
    status: PlanStatus
    message: Optional[str] = None
    spec: str
    scenario: Optional[str] = None
    solver: str
    relaxed: bool = False
    objective: Optional[float] = Field(description="in objective_unit; null without a plan")
    objective_unit: str
    objective_sense: Literal["minimize", "maximize"]
    gap: Optional[float] = None
    currency: str
    horizon_h: float
    cost: Cost
    energy_mwh: Optional[float] = None
    renewable_energy_mwh: Optional[float] = None
    carbon_tco2: Optional[float] = None
    regions: list[RegionPlan] = []
    demands: list[DemandPlan] = []
    jobs: list[JobPlan] = []
    links: list[LinkPlan] = []
    requires: list[StatementResult] = []
    asserts: list[StatementResult] = []
    shadow_prices: list[ShadowPrice] = []
    infeasibility: list[Infeasibility] = []
    warnings: list[PlanWarning] = []
    years: Optional[list[YearPlan]] = _omitted(
        "multi-year specs only (omitted otherwise): one entry per year; the top-level "
        "cost and objective are then discounted totals, regions/demands/jobs/links the "
        "last year's")
    near_optimal: Optional["NearOptimal"] = _omitted(
        "`solve --near-optimal METRIC` only (docs/near-optimal.md)")
    alternatives: Optional[list["Alternative"]] = _omitted(
        "`solve --alternatives K` only (docs/near-optimal.md)")

    @classmethod
    def from_json(cls, source) -> "Plan":
        """A plan from JSON text or a JSON file (path); InvalidPlan otherwise."""
        plan = as_plan(source)
        return plan if type(plan) is cls else cls.model_validate(plan.model_dump())

    def to_json(self) -> str:
        """The plan JSON, byte for byte what `suanli solve --format json` prints."""
        return dumps(self)

    @property
    def has_plan(self) -> bool:
        """A plan was found (status optimal or feasible)."""
        return self.status in ("optimal", "feasible")

    @property
    def asserts_hold(self) -> bool:
        """Every mandatory (non-advisory) assert holds: `suanli solve` exits 0, not 1."""
        return all(a.passed or a.advisory for a in self.asserts)

    def to_frames(self) -> dict:
        """The plan as pandas DataFrames (needs `pip install 'suanli[pandas]'`)."""
        from suanli.solver.frames import plan_frames

        return plan_frames(self)

    def _repr_html_(self) -> str:
        from suanli.solver.plan_html import plan_html

        return plan_html(self)


class NearRange(_M):
    value: Optional[float] = Field(description="the metric's extreme, in `unit`; null when unbounded or not found")
    plan: Optional[Plan] = Field(description="a whole plan reaching it; null when unbounded or not found")


class NearOptimal(_M):
    metric: str = Field(description="METRIC as typed")
    slack: float = Field(description="S as a fraction (5% -> 0.05)")
    bound: float = Field(description="B = z* + S|z*|, in objective_unit (z* - S|z*| when maximising)")
    unit: str = Field(description="the unit of the values (as requires[].value uses for the dimension)")
    min: NearRange
    max: NearRange


class Alternative(_M):
    score: float = Field(description="sum_r w[r] C[r] / C* of this plan")
    weights: dict[str, float] = Field(description="the non-zero region weights used to find it")
    slack: Optional[float] = Field(None, description="S as a fraction: the slack it was found within "
                                   "(recorded so `verify` checks the same B; absent in older plan files)")
    bound: Optional[float] = Field(None, description="B = z* + S|z*|, in objective_unit, that it respects")
    plan: Plan


Plan.model_rebuild()



def _rounded(obj):
    if isinstance(obj, dict):
        return {k: _sig(v) if k == "open_fraction" else _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    if isinstance(obj, float):
        return round_sig(obj)
    return obj


def _sig(v):
    """open_fraction: 12 significant digits, but never 0 when positive -- with a
    large site bound M a relaxed site may be open 1e-10 beside 1e-4 nodes."""
    if isinstance(v, float) and math.isfinite(v) and v != 0:
        return float(f"{v:.12g}")
    return _rounded(v)


def plan_dict(plan: Plan) -> dict:
    return _rounded(plan.model_dump(mode="json"))


def normalized(plan: Plan) -> Plan:
    """The plan exactly as it will read back from its JSON."""
    return Plan.model_validate(plan_dict(plan))


def dumps(plan: Plan) -> str:
    return json.dumps(plan_dict(plan), allow_nan=False, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def loads(text: str) -> Plan:
    return Plan.model_validate(json.loads(text))


def as_plan(plan) -> Plan:
    """A Plan from a Plan, a plan JSON file (path) or JSON text, the last two read as
    hostile input (plan_input.py: InvalidPlan saying what is wrong)."""
    from suanli.solver.plan_input import parse_plan, read_plan

    if isinstance(plan, Plan):
        return plan
    if isinstance(plan, str) and plan.lstrip("\ufeff \t\r\n").startswith("{"):
        return parse_plan(plan, "the text")
    if isinstance(plan, (str, os.PathLike)):
        return read_plan(plan)
    raise TypeError(f"a plan is a Plan, a plan JSON path or JSON text, not {type(plan).__name__}")


def json_schema() -> dict:
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://suanli.dev/plan.schema.json"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
