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
def _node(draw, name: str, cls: str, restricted: str | None) -> str:
    compute = {"general": (1, 10), "ai": (500, 8000), "hpc": (5, 40)}[cls]
    props = [f"class = {cls}", f"compute = {_num(draw, *compute, 1)} TFLOPS",
             f"storage = {_num(draw, 1, 40, 1)} TB", f"power = {_num(draw, 0.3, 12, 2)} kW",
             f"capex = {_num(draw, 20, 3000, 0)}e3 CNY", f"lifetime = {draw(st.integers(3, 7))} years"]
    if draw(st.booleans()):
        props.append(f"opex = {_num(draw, 0, 50, 1)}e3 CNY/year")
    if restricted:
        props.append(f"regions = [{restricted}]")
    return f"node {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


@st.composite
def _demand(draw, name: str, cls: str, origin: str, knobs: SpecKnobs, nearby: str) -> str:
    compute = {"general": (10, 500), "ai": (100, 20000), "hpc": (10, 400)}[cls]
    props = [f"class = {cls}", f"compute = {_num(draw, *compute, 1)} TFLOPS",
             f"storage = {_num(draw, 1, 500, 1)} TB", f"origin = {origin}",
             f"traffic = {_num(draw, 0, 5, 2)} Gbps"]
    if knobs.latency and draw(st.booleans()):
        props.append(f"max_latency = {nearby}")
    if knobs.residency and draw(st.booleans()):
        props.append(f"residency = [{origin}]")
    if draw(st.integers(0, 4)) == 0:
        props.append("split = false")
    return f"demand {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


@st.composite
def _job(draw, name: str, cls: str, origin: str) -> str:
    # Work is capped per class so one node of the slowest type of that class at 30%
    # efficiency needs at most ~1667 days: a serial part of <= 2% then takes <= 34 days,
    # inside the >= 60-day deadline, so every job has a usable node type.
    work_max = {"general": 0.5, "ai": 50, "hpc": 2}[cls]
    props = [f"class = {cls}", f"work = {_num(draw, work_max / 50, work_max, 3)} PFLOPS * day",
             f"deadline = {draw(st.integers(60, 120))} days",
             f"serial_fraction = {_num(draw, 0, 2, 1)}%", f"efficiency = {draw(st.integers(30, 90))}%",
             f"storage = {_num(draw, 0, 50, 1)} TB", f"origin = {origin}",
             f"data = {_num(draw, 0, 20, 1)} TB"]
    return f"job {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


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
    return f"settings {{\n  horizon = 1 year\n  currency = CNY\n  utilization = {util}%\n{carbon}}}\n"


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
        out.append(draw(_node(f"{cls}_{i}", cls, restricted)))
    return out


def _workloads(draw, plan: _Plan, knobs: SpecKnobs) -> list[str]:
    out = []
    for i in range(draw(st.integers(1, max(1, knobs.max_demands)))):
        cls, origin = draw(st.sampled_from(plan.classes)), draw(st.sampled_from(plan.regions))
        out.append(draw(_demand(f"svc{i}", cls, origin, knobs, f"{_num(draw, 0, 40, 0)} ms")))
    for i in range(draw(st.integers(0, knobs.max_jobs))):
        cls, origin = draw(st.sampled_from(plan.classes)), draw(st.sampled_from(plan.regions))
        out.append(draw(_job(f"job{i}", cls, origin)))
    return out


def _statements(draw, plan: _Plan, knobs: SpecKnobs) -> list[str]:
    out = []
    if knobs.requires and draw(st.booleans()):
        cls = draw(st.sampled_from(plan.classes))
        out.append(f"require share: compute({cls}, east) >= {draw(st.integers(0, 30))}% * compute({cls})")
    if knobs.requires and draw(st.booleans()):
        out.append(f"for r in regions: require power(r) <= {draw(st.integers(600, 2000))} MW")
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
