"""The typed intermediate representation: the boundary between front end and solver.

Everything here is resolved and checked: names are resolved, `extends`,
`let`, scenarios, overrides and `for` loops are applied, units are converted.

Units: every number is in SI base units of its dimension, as a float:
  money       -> the spec's currency unit (Settings.currency)
  time        -> s             energy      -> J (so power is W = J/s)
  compute     -> FLOP (work),  FLOP/s (rate)
  data        -> B (bytes),    B/s (rate)
  carbon      -> gCO2
  ratio/count -> plain number
Rates are per second (money/time -> currency per second).

The solver chooses its own internal scaling from these; the IR never does.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, PlainValidator

from suanli.diagnostics import Span

UNLIMITED = None  # caps that are not set


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Settings(_Model):
    horizon: float  # s
    currency: str  # e.g. "CNY"
    utilization: float  # in (0, 1]
    carbon_price: float  # currency per gCO2
    robust: tuple[str, ...] = ()  # settings.robust: scenario names (`base` = the base spec)


class Region(_Model):
    name: str
    span: Span
    power_price: float = 0.0  # currency per J
    pue: float = 1.0
    carbon_intensity: float = 0.0  # gCO2 per J
    renewable: float = 0.0  # 0..1
    power_cap: Optional[float] = None  # W (facility power, PUE included)
    site_cost: float = 0.0  # currency over the horizon (money/time already multiplied by H)
    max_nodes: Optional[int] = None
    tags: tuple[str, ...] = ()
    label: Optional[str] = None
    max_params: Optional[float] = None  # §9: largest model (parameters) that may run here


class NodeType(_Model):
    name: str
    span: Span
    cls: str  # the `class` property
    compute: float = 0.0  # FLOP/s
    storage: float = 0.0  # B
    power: float  # W, > 0
    capex: float = 0.0  # currency per node
    lifetime: float  # s (defaults to the horizon)
    opex: float = 0.0  # currency per node per s
    regions: tuple[str, ...]  # region names where it may be built (resolved, sorted)
    max_per_region: Optional[int] = None
    memory: float = 0.0  # B (§9)
    media: Optional[str] = None  # §9: e.g. "ssd", a selector like a class


class Link(_Model):
    a: str
    b: str
    span: Span
    latency: float  # s
    bandwidth: Optional[float] = None  # B/s per direction; None = unlimited
    transfer_cost: float = 0.0  # currency per B


class Path(_Model):
    """The least-latency path from `origin` to `dest` (LANGUAGE.md §6 tie-breaks)."""

    origin: str
    dest: str
    latency: float  # s
    transfer_cost: float  # currency per B, summed along the path
    hops: tuple[str, ...]  # region names from origin to dest, both included


class Service(_Model):
    """A `demand` block: a sustained service."""

    name: str
    span: Span
    cls: str
    compute: float = 0.0  # FLOP/s
    storage: float = 0.0  # B
    origin: Optional[str] = None
    traffic: float = 0.0  # B/s from origin to where it is served
    max_latency: Optional[float] = None  # s
    residency: Optional[tuple[str, ...]] = None  # resolved region names
    split: bool = True
    allowed_regions: tuple[str, ...]  # after residency/reachability/latency filters, sorted
    memory: float = 0.0  # B (§9)
    params: Optional[float] = None  # §9: model parameters
    token_rate: Optional[float] = None  # 1/s; set only when compute = 2 * params * token_rate
    backups: int = 0  # §9: disaster-recovery copies (split = false only)
    backup_separation: float = 0.0  # s
    backup_regions: tuple[str, ...] = ()  # where a copy may be held (residency only), sorted
    backup_conflicts: tuple[tuple[str, str], ...] = ()  # (r, b): latency(r, b) < separation


class JobOption(_Model):
    """Amdahl sizing of a job on one node type (independent of the region)."""

    node_type: str
    nodes: int  # N_jt
    runtime: float  # s, tau(N_jt)
    consumed: float  # FLOP, E_jt = f_t * N_jt * tau(N_jt)


class Job(_Model):
    name: str
    span: Span
    cls: str
    work: float  # FLOP
    deadline: float  # s
    serial_fraction: float = 0.0
    efficiency: float = 1.0
    max_nodes: Optional[int] = None
    storage: float = 0.0  # B
    origin: Optional[str] = None
    data: float = 0.0  # B moved once from origin
    max_latency: Optional[float] = None
    residency: Optional[tuple[str, ...]] = None
    allowed_regions: tuple[str, ...]
    options: tuple[JobOption, ...]  # usable node types, sorted by name
    memory: float = 0.0  # B (§9)
    params: Optional[float] = None  # §9: model parameters
    tokens: Optional[float] = None  # set only when work = 6 * params * tokens


MetricKind = Literal[
    "cost", "cost.site", "cost.capex", "cost.opex", "cost.energy", "cost.network",
    "cost.carbon", "energy", "renewable_energy", "carbon",
    "nodes", "compute", "storage", "memory", "power", "served",
    "utilization", "latency",  # assert-only
]
LINEAR_METRICS = frozenset(MetricKind.__args__) - {"utilization", "latency"}  # type: ignore[attr-defined]


class Metric(_Model):
    """A metric with its selectors resolved.

    `regions` / `node_types`: the selected sets (None = all). Classes select
    node types; tags select regions. `target`: the demand or job of
    `served(...)` / `latency(...)`. energy/renewable_energy/carbon accept
    region selectors (an extension), cost metrics take none.
    """

    kind: MetricKind
    regions: Optional[tuple[str, ...]] = None
    node_types: Optional[tuple[str, ...]] = None
    target: Optional[str] = None
    span: Span


class Term(_Model):
    coef: float
    metric: Metric


class LinExpr(_Model):
    terms: tuple[Term, ...] = ()
    constant: float = 0.0


class ExprNode(_Model):
    """An expression tree over metrics, for reporting values and for asserts
    (which may be non-linear)."""

    op: Literal["const", "metric", "add", "sub", "mul", "div", "neg"]
    value: Optional[float] = None  # for const
    metric: Optional[Metric] = None  # for metric
    args: tuple["ExprNode", ...] = ()


class LinRow(_Model):
    """lower <= expr <= upper, the linear form that goes to the solver."""

    expr: LinExpr
    lower: Optional[float] = None
    upper: Optional[float] = None


class Dimension(_Model):
    """Exponents over the base dimensions (money, energy, time, flop, data, carbon)."""

    exponents: tuple[int, int, int, int, int, int]
    text: str  # human form, e.g. "money/energy"
    unit: str  # display unit, e.g. "CNY/kWh"
    unit_scale: float  # SI value / unit_scale = value in `unit`


class Statement(_Model):
    """A `require` or `assert` after `for` expansion.

    `name`: the user's name, or `<policy>.<name>`; for unnamed statements a
    generated one (`require@file:line`); `for` copies get `[var=value]`.
    `left`/`right`: the two sides as written (for `in`, `right` is None and
    `lo`/`hi` are set). `rows`: the linearised form (requires only; a ratio
    compared with a constant becomes A - k*B). `op`: <=, >=, ==, in.
    """

    kind: Literal["require", "assert"]
    name: str
    policy: Optional[str] = None
    span: Span
    op: Literal["<=", ">=", "==", "in"]
    left: ExprNode
    right: Optional[ExprNode] = None
    lo: Optional[ExprNode] = None
    hi: Optional[ExprNode] = None
    dimension: Dimension
    rows: tuple[LinRow, ...] = ()
    advisory: bool = False
    year: Optional[int] = None  # multi-year (§8): the year it is about; None = totals


class Objective(_Model):
    sense: Literal["minimize", "maximize"]
    expr: LinExpr
    dimension: Dimension
    span: Optional[Span] = None
    is_default: bool = True  # `minimize cost` when the spec has no objective


def _path_sequence(value):
    from suanli.compiler.path_table import PathTable
    if isinstance(value, PathTable):
        return value
    return tuple(v if isinstance(v, Path) else Path.model_validate(v) for v in value)


class NearMetric(_Model):
    """`solve --near-optimal METRIC`: the metric as typed and its linear form."""

    text: str
    expr: LinExpr
    dimension: Dimension
    year: Optional[int] = None  # `at Y:` of a multi-year spec; None: totals (or single period)


class Program(_Model):
    """The whole validated spec: what `solve` lowers to a MILP."""

    root: str  # path of the root spec
    scenario: Optional[str] = None
    settings: Settings
    regions: tuple[Region, ...]  # sorted by name
    node_types: tuple[NodeType, ...]  # sorted by name
    links: tuple[Link, ...]  # in declaration order, a < b not required
    # one Path per (origin used by a demand/job, reachable region), origins then dests by name:
    # a tuple, or (from the compiler) a PathTable that builds each Path only when read
    paths: Annotated[Any, PlainValidator(_path_sequence)]
    services: tuple[Service, ...]  # sorted by name
    jobs: tuple[Job, ...]  # sorted by name
    statements: tuple[Statement, ...]  # in source order
    objective: Objective
    warnings: tuple["CompileWarning", ...] = ()  # for the plan's `warnings`
    years: Optional["YearsIR"] = None  # multi-year build-out (LANGUAGE.md §8)
    near_metric: Optional[NearMetric] = None  # `solve --near-optimal METRIC` (§11)

    def region(self, name: str) -> Region:
        return _index(self.regions)[name]

    def node_type(self, name: str) -> NodeType:
        return _index(self.node_types)[name]


class YearsIR(_Model):
    """The year axis of a multi-year spec. `programs[k]` is year first+k as a
    single-period program (H = 1 year, that year's values, growth applied,
    only the demands active and the jobs run that year; no statements).
    Per node type (in `node_types` order): `available`, the first year it
    may be built. Per region: `site_once`, a site_cost in plain money (paid
    once, in the opening year) rather than money/time (paid each open year)."""

    first: int
    last: int
    discount_rate: float = 0.0
    programs: tuple["Program", ...]
    available: tuple[int, ...]
    site_once: tuple[bool, ...]

    @property
    def years(self) -> range:
        return range(self.first, self.last + 1)

    def discount(self, year: int) -> float:
        return 1.0 / (1.0 + self.discount_rate) ** (year - self.first)


class CompileWarning(_Model):
    code: str
    message: str
    span: Optional[Span] = None


def _index(items):
    return {item.name: item for item in items}


ExprNode.model_rebuild()
Program.model_rebuild()
YearsIR.model_rebuild()
