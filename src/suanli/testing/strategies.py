"""Strategies that draw whole specs: `specs(...)` (the text) and `programs(...)` (the IR)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

CLASSES = ("general", "ai", "hpc")
_NAMES = ("bj", "sh", "gz", "cd", "gy", "nx", "nm", "gs", "zj", "wh")


# ====================================================================== spec generator


@dataclass(frozen=True)
class SpecKnobs:
    """Which features a generated spec may use, and how big it may be."""

    min_regions: int = 1
    max_regions: int = 4
    max_node_types: int = 4
    max_demands: int = 4
    max_jobs: int = 2
    links: bool = True
    site_costs: bool = True
    caps: bool = True  # power_cap and max_nodes on regions (generous: never binding alone)
    residency: bool = True
    latency: bool = True
    requires: bool = True
    scenarios: bool = True
    carbon_price: bool = True
    classes: tuple[str, ...] = CLASSES
    years: int = 0  # > 0: a multi-year build-out of that many yearly periods (LANGUAGE.md §8)
    # LANGUAGE.md §9 features (off by default, so earlier draws are unchanged):
    memory: bool = False  # memory on node types (every one), demands and jobs
    media: bool = False  # media ssd/hdd on node types, and an SSD-share require
    ai_sizing: bool = False  # jobs as params/tokens, demands as params/token_rate
    backups: bool = False  # backups = 1 on split = false demands


def _num(draw, lo: float, hi: float, places: int = 2) -> str:
    value = draw(st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False))
    return f"{round(value, places):g}"


@st.composite
def _region(draw, name: str, knobs: SpecKnobs, tags: list[str]) -> str:
    props = [f"power_price = {_num(draw, 0.2, 0.9)} CNY/kWh",
             f"pue = {_num(draw, 1.0, 1.6)}",
             f"carbon_intensity = {_num(draw, 50, 900, 0)} gCO2/kWh",
             f"renewable = {_num(draw, 0, 90, 0)}%"]
    if knobs.caps and draw(st.booleans()):
        props.append(f"power_cap = {_num(draw, 100, 500, 0)} MW")
    if knobs.caps and draw(st.booleans()):
        props.append(f"max_nodes = {draw(st.integers(20_000, 100_000))}")
    if knobs.site_costs and draw(st.booleans()):
        props.append(f"site_cost = {_num(draw, 1, 50, 1)}e6 CNY/year")
    props.append(f"tags = [{', '.join(tags)}]")
    return f"region {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


@st.composite
def _node(draw, name: str, cls: str, restricted: str | None, knobs: SpecKnobs | None = None,
          index: int = 0) -> str:
    compute = {"general": (1, 10), "ai": (500, 8000), "hpc": (5, 40)}[cls]
    props = [f"class = {cls}", f"compute = {_num(draw, *compute, 1)} TFLOPS",
             f"storage = {_num(draw, 1, 40, 1)} TB", f"power = {_num(draw, 0.3, 12, 2)} kW",
             f"capex = {_num(draw, 20, 3000, 0)}e3 CNY", f"lifetime = {draw(st.integers(3, 7))} years"]
    if draw(st.booleans()):
        props.append(f"opex = {_num(draw, 0, 50, 1)}e3 CNY/year")
    if restricted:
        props.append(f"regions = [{restricted}]")
    if knobs is not None and knobs.memory:
        props.append(f"memory = {_num(draw, 0.1, 2, 2)} TB")
    if knobs is not None and knobs.media:
        props.append(f"media = {'ssd' if index % 2 == 0 else 'hdd'}")
    return f"node {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


@st.composite
def _demand(draw, name: str, cls: str, origin: str, knobs: SpecKnobs, nearby: str, n_regions: int = 1) -> str:
    compute = {"general": (10, 500), "ai": (100, 20000), "hpc": (10, 400)}[cls]
    props = [f"class = {cls}", _demand_compute(draw, compute, knobs),
             f"storage = {_num(draw, 1, 500, 1)} TB", f"origin = {origin}",
             f"traffic = {_num(draw, 0, 5, 2)} Gbps"]
    if knobs.memory:
        props.append(f"memory = {_num(draw, 0, 20, 1)} TB")
    if knobs.latency and draw(st.booleans()):
        props.append(f"max_latency = {nearby}")
    resident = knobs.residency and draw(st.booleans())
    if resident:
        props.append(f"residency = [{origin}]")
    if draw(st.integers(0, 4)) == 0:
        props.append("split = false")
        if knobs.backups:  # 1 ms: every other region is at least that far (links are >= 1 ms)
            far = "1 ms" if n_regions > 1 and not resident else "0 ms"
            props += ["backups = 1", f"backup_separation = {far}"]
    return f"demand {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


@st.composite
def _job(draw, name: str, cls: str, origin: str, knobs: SpecKnobs | None = None) -> str:
    # Work is capped per class so one node of the slowest type of that class at 30%
    # efficiency needs at most ~1667 days: a serial part of <= 2% then takes <= 34 days,
    # inside the >= 60-day deadline, so every job has a usable node type.
    work_max = {"general": 0.5, "ai": 50, "hpc": 2}[cls]
    props = [f"class = {cls}", _job_work(draw, work_max, knobs),
             f"deadline = {draw(st.integers(60, 120))} days",
             f"serial_fraction = {_num(draw, 0, 2, 1)}%", f"efficiency = {draw(st.integers(30, 90))}%",
             f"storage = {_num(draw, 0, 50, 1)} TB", f"origin = {origin}",
             f"data = {_num(draw, 0, 20, 1)} TB"]
    if knobs is not None and knobs.memory:
        props.append(f"memory = {_num(draw, 0, 5, 1)} TB")
    return f"job {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


def _demand_compute(draw, compute: tuple, knobs: SpecKnobs) -> str:
    """compute in TFLOPS, or (AI sizing, §9) params and token_rate giving about that much."""
    tflops = _num(draw, *compute, 1)
    if not knobs.ai_sizing:
        return f"compute = {tflops} TFLOPS"
    params = draw(st.integers(1, 70))
    rate = float(tflops) * 1e12 / (2 * params * 1e9)
    return f"params = {params}e9\n  token_rate = {max(rate, 0.01):.4g} / s"


def _job_work(draw, work_max: float, knobs: SpecKnobs | None) -> str:
    """work in PFLOPS*day, or (AI sizing, §9) params and tokens with 6*params*tokens about that much."""
    work = _num(draw, work_max / 50, work_max, 3)
    if knobs is None or not knobs.ai_sizing:
        return f"work = {work} PFLOPS * day"
    params = draw(st.integers(1, 70))
    tokens = float(work) * 1e15 * 86400 / (6 * params * 1e9)
    return f"params = {params}e9\n  tokens = {tokens:.4g}"


@dataclass
class _Plan:
    regions: list[str]
    tags: dict[str, list[str]]
    classes: list[str]
    parts: list[str] = field(default_factory=list)


@st.composite
def specs(draw, knobs: SpecKnobs | None = None, **overrides) -> str:
    """Draw the text of a valid, feasible spec. Keyword arguments override SpecKnobs fields."""
    knobs = knobs or SpecKnobs()
    if overrides:
        knobs = SpecKnobs(**{**knobs.__dict__, **overrides})
    n_regions = draw(st.integers(knobs.min_regions, knobs.max_regions))
    regions = list(_NAMES[:n_regions])
    tags = {r: ["east" if i % 2 == 0 else "west"] for i, r in enumerate(regions)}
    classes = draw(st.lists(st.sampled_from(knobs.classes), min_size=1, max_size=len(knobs.classes),
                            unique=True))
    plan = _Plan(regions, tags, classes)
    plan.parts.append(_settings(draw, knobs))
    plan.parts += [draw(_region(r, knobs, tags[r])) for r in regions]
    plan.parts += _links(draw, regions, knobs)
    plan.parts += _nodes(draw, plan, knobs)
    plan.parts += _workloads(draw, plan, knobs)
    plan.parts += _statements(draw, plan, knobs)
    return "\n".join(plan.parts)


def _settings(draw, knobs: SpecKnobs) -> str:
    util = draw(st.integers(50, 100))
    carbon = ""
    if knobs.carbon_price and draw(st.booleans()):
        carbon = f"  carbon_price = {draw(st.integers(1, 100))} CNY/tCO2\n"
    period = "  horizon = 1 year\n"
    if knobs.years > 0:
        period = (f"  years = 2026 .. {2025 + knobs.years}\n"
                  f"  discount_rate = {draw(st.integers(0, 15))}%\n")
    return f"settings {{\n{period}  currency = CNY\n  utilization = {util}%\n{carbon}}}\n"


def _links(draw, regions: list[str], knobs: SpecKnobs) -> list[str]:
    if not knobs.links or len(regions) < 2:
        return []
    out = []
    for a, b in zip(regions, regions[1:]):  # a chain keeps the graph connected
        bw = f"\n  bandwidth = {_num(draw, 400, 4000, 0)} Gbps" if draw(st.booleans()) else ""
        out.append(f"link {a} -- {b} {{\n  latency = {_num(draw, 1, 30, 1)} ms{bw}\n"
                   f"  transfer_cost = {_num(draw, 0, 0.05, 3)} CNY/GB\n}}\n")
    return out


def _nodes(draw, plan: _Plan, knobs: SpecKnobs) -> list[str]:
    out = []
    count = draw(st.integers(len(plan.classes), max(len(plan.classes), knobs.max_node_types)))
    for i in range(count):
        cls = plan.classes[i % len(plan.classes)]
        # the first node type of each class may be built everywhere, so every class is servable
        restricted = None
        if i >= len(plan.classes) and draw(st.booleans()):
            restricted = draw(st.sampled_from(plan.regions))
        out.append(draw(_node(f"{cls}_{i}", cls, restricted, knobs, i)))
    return out


def _workloads(draw, plan: _Plan, knobs: SpecKnobs) -> list[str]:
    out = []
    for i in range(draw(st.integers(1, max(1, knobs.max_demands)))):
        cls, origin = draw(st.sampled_from(plan.classes)), draw(st.sampled_from(plan.regions))
        demand = draw(_demand(f"svc{i}", cls, origin, knobs, f"{_num(draw, 0, 40, 0)} ms",
                              len(plan.regions)))
        if knobs.years > 0 and draw(st.booleans()):  # growth per year, compounding
            demand = demand.replace("\n}\n", f"\n  growth = {draw(st.integers(0, 40))}%\n}}\n")
        out.append(demand)
    for i in range(draw(st.integers(0, knobs.max_jobs))):
        cls, origin = draw(st.sampled_from(plan.classes)), draw(st.sampled_from(plan.regions))
        out.append(draw(_job(f"job{i}", cls, origin, knobs)))
    return out


def _statements(draw, plan: _Plan, knobs: SpecKnobs) -> list[str]:
    out = []
    if knobs.requires and draw(st.booleans()):
        cls = draw(st.sampled_from(plan.classes))
        out.append(f"require share: compute({cls}, east) >= {draw(st.integers(0, 30))}% * compute({cls})")
    if knobs.requires and draw(st.booleans()):
        out.append(f"for r in regions: require power(r) <= {draw(st.integers(600, 2000))} MW")
    if knobs.media and draw(st.booleans()):  # §9: node 0 (ssd) may be built everywhere
        out.append(f"require ssd_share: storage(ssd) >= {draw(st.integers(0, 50))}% * storage()")
    if knobs.memory and knobs.requires and draw(st.booleans()):  # 算存比, generous enough to hold
        out.append(f"assert advisory memory_ratio: compute() / memory() <= {draw(st.integers(50, 500))}e3 GFLOPS/GB")
    out.append(f"assert advisory budget: cost <= {draw(st.integers(1, 100))}e9 CNY")
    if knobs.scenarios and draw(st.booleans()):
        region = draw(st.sampled_from(plan.regions))
        out.append(f"scenario shock {{\n  region.{region}.power_price *= 2\n}}")
    return ["\n".join(out) + "\n"] if out else []


def programs(**knobs):
    """Draw the compiled IR (suanli.compiler.ir.Program) of a generated spec."""
    return specs(**knobs).map(_compile_text)


def _compile_text(text: str):
    from suanli import api

    return api.load(text)
