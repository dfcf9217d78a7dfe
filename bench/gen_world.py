"""Generator, part 1: the world a spec describes (regions, links, node types).

Used by bench/generate.py; every draw comes from the caller's `random.Random`,
in the same order as before the split, so the spec bytes do not change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from suanli.compiler.latency import least_latencies


@dataclass
class Region:
    name: str
    west: bool
    hub: bool
    metro: bool
    zone: int
    props: dict = field(default_factory=dict)


@dataclass
class NodeType:
    name: str
    cls: str
    compute: float  # TFLOPS
    storage: float  # TB
    power: float  # kW
    capex: float  # CNY
    lifetime: int  # years
    opex: float  # CNY/year
    regions: list[str] | None = None  # None: buildable everywhere


# ---------------------------------------------------------------- helpers --

def num(x: float, digits: int = 4) -> str:
    """A short decimal literal (the compiler reads decimals exactly)."""
    text = f"{x:.{digits}g}"
    return text.replace("e+0", "e").replace("e+", "e")  # 2.4e+06 -> 2.4e6


def weighted(rng: random.Random, pairs) -> str:
    roll, acc = rng.random(), 0.0
    for value, weight in pairs:
        acc += weight
        if roll < acc:
            return value
    return pairs[-1][0]


# ---------------------------------------------------------------- regions --

def make_regions(rng: random.Random, count: int) -> list[Region]:
    zones = max(2, count // 8)
    regions = []
    for i in range(count):
        west = i % 2 == 1  # alternate, so both sides exist at every size
        hub = rng.random() < (0.6 if west else 0.3)
        metro = not west and not hub
        regions.append(Region(f"r{i:03d}", west, hub, metro, i * zones // count))
    for r in regions:
        r.props = region_props(rng, r)
    return regions


def region_props(rng: random.Random, r: Region) -> dict:
    if r.west:
        price, pue = rng.uniform(0.28, 0.45), rng.uniform(1.10, 1.25)
        carbon, renewable = rng.uniform(120, 700), rng.uniform(20, 80)
    else:
        price, pue = rng.uniform(0.55, 0.80), rng.uniform(1.22, 1.45)
        carbon, renewable = rng.uniform(420, 650), rng.uniform(5, 20)
    props = {"power_price": f"{price:.3f} CNY/kWh", "pue": f"{pue:.2f}",
             "carbon_intensity": f"{carbon:.0f} gCO2/kWh", "renewable": f"{renewable:.0f}%"}
    if r.hub:
        props["site_cost"] = f"{rng.randint(15, 60)}e6 CNY/year"
    return props


def region_tags(r: Region) -> list[str]:
    tags = ["west" if r.west else "east", f"z{r.zone}"]
    if r.hub:
        tags.append("hub")
    if r.metro:
        tags.append("metro")
    return tags


# ------------------------------------------------------------------ links --

def make_links(rng: random.Random, regions: list[Region]) -> list[tuple]:
    """A ring over a shuffled order (connected) plus ~R/2 random chords."""
    names = [r.name for r in regions]
    order = names[:]
    rng.shuffle(order)
    pairs = {tuple(sorted((order[i], order[(i + 1) % len(order)]))) for i in range(len(order))}
    pairs = sorted(pairs)
    seen = set(pairs)
    for _ in range(len(names) // 2):
        a, b = rng.sample(names, 2)
        key = tuple(sorted((a, b)))
        if key not in seen:
            seen.add(key)
            pairs.append(key)
    links = []
    for a, b in pairs:
        latency = rng.randint(2, 18)  # integer ms: path sums are exact
        bandwidth = rng.choice((400, 800, 1600, 3200))
        cost = rng.choice((0.005, 0.01, 0.015, 0.02, 0.03))
        links.append((a, b, latency, bandwidth, cost))
    return links


def latencies_from(origin: str, links) -> dict[str, int]:
    """Least total latency (ms) from `origin` over the generated links."""
    return least_latencies(origin, ((a, b, lat) for a, b, lat, _, _ in links), 0)


# ------------------------------------------------------------- node types --

NODE_TEMPLATES = {  # compute TFLOPS, storage TB, power kW, capex CNY, opex CNY/year
    "ai": (8 * 989, 30, 10.2, 2.4e6, 60e3),
    "general": (5, 16, 0.9, 70e3, 2e3),
    "hpc": (9, 4, 1.2, 140e3, 3e3),
    "storage": (0, 1200, 1.2, 250e3, 5e3),
}


def make_node_types(rng: random.Random, count: int, regions: list[Region]) -> list[NodeType]:
    classes = ["ai", "general", "hpc", "storage"]
    shares = (("ai", 0.35), ("general", 0.30), ("hpc", 0.2), ("storage", 0.15))
    classes += [weighted(rng, shares) for _ in range(count - 4)]
    types, seen = [], {}
    for cls in classes:
        k = seen[cls] = seen.get(cls, -1) + 1
        types.append(node_type(rng, cls, k, regions))
    return types


def node_type(rng: random.Random, cls: str, k: int, regions: list[Region]) -> NodeType:
    compute, storage, power, capex, opex = NODE_TEMPLATES[cls]
    if k == 0:  # the reference type of each class: as in the template, anywhere
        return NodeType(f"{cls}{k}", cls, compute, storage, power, capex, 5, opex)
    speed = rng.uniform(0.3, 1.6)
    eff = rng.uniform(0.8, 1.25)  # compute per watt relative to the template
    nt = NodeType(f"{cls}{k}", cls, compute * speed, storage * rng.uniform(0.5, 2.0),
                  power * speed / eff, capex * speed * rng.uniform(0.7, 1.3),
                  rng.choice((4, 5, 6)), opex * speed)
    if cls == "storage":
        nt.storage, nt.power = storage * speed, power * rng.uniform(0.8, 1.2)
    if rng.random() < 0.35:  # export-controlled or vendor-limited: a subset of regions
        nt.regions = restriction(rng, regions)
    return nt


def restriction(rng: random.Random, regions: list[Region]) -> list[str]:
    if rng.random() < 0.5:
        return [rng.choice(("west", "east", "hub"))]
    picks = rng.sample(regions, min(len(regions), rng.randint(2, 6)))
    return sorted(r.name for r in picks)
