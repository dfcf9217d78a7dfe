"""Seeded generator of synthetic `.spec` files for the benchmark.

    python bench/generate.py SIZE --seed N -o PATH      (SIZE: S, M, L, XL)
    python bench/generate.py NET --seed N -o PATH       (link-heavy: see netgen.py)
    python bench/generate.py M --years 5                (a 2026..2030 build-out, LANGUAGE.md §8)

`generate(size, seed) -> str` returns the spec text; the same (size, seed)
always gives the same bytes (one `random.Random(seed)`, no set iteration).

The instance is realistic in shape and feasible by construction:
- regions east/west with prices, PUE, carbon, renewables and power caps,
  hubs with a site cost, zone tags (`z0`, `z1`, ...) for residency;
- a connected link graph: a ring over a shuffled order plus random chords;
- node types of classes ai, general and hpc plus storage-only nodes; the first
  type of each class may be built anywhere, later ones are sometimes limited
  to `regions = [...]`;
- demands (most `demand`, ~3% `job`), origins, traffic, `max_latency` on ~30%
  (set to the latency of the k-th nearest region, so >= k regions stay
  allowed), residency on ~25% (always a set that contains the origin);
- a share require, a general-compute/storage ratio on hubs, AI power quotas
  in a few metros and a couple of `served(...)` requires.
Feasibility: every demand can be served at its own origin on the unrestricted
type of its class, and each region's power cap (and quota) is at least twice
what its own origin's demands need there, plus a share of the global need.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

SIZES = {  # regions, node types, demands (jobs included)
    "S": (8, 6, 50),
    "M": (32, 20, 2_000),
    "L": (100, 40, 20_000),
    "XL": (200, 50, 100_000),
}
HOURS_PER_YEAR = 8760
UTILIZATION = 0.75
JOB_SHARE = 0.03
LATENCY_SHARE = 0.30
RESIDENCY_SHARE = 0.25
NO_ORIGIN_SHARE = 0.08
CLASS_MIX = (("general", 0.45), ("ai", 0.25), ("hpc", 0.12), ("storage", 0.18))


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
    adj: dict[str, list[tuple[str, int]]] = {}
    for a, b, lat, _, _ in links:
        adj.setdefault(a, []).append((b, lat))
        adj.setdefault(b, []).append((a, lat))
    dist, heap = {}, [(0, origin)]
    while heap:
        d, here = heapq.heappop(heap)
        if here in dist:
            continue
        dist[here] = d
        for there, lat in adj.get(here, ()):
            if there not in dist:
                heapq.heappush(heap, (d + lat, there))
    return dist


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


# ---------------------------------------------------------------- demands --

@dataclass
class Workload:
    name: str
    cls: str
    props: dict
    origin: str | None
    power_kw: float  # what it needs at its origin on the reference type (PUE 1)
    job: bool = False


def ref_power_kw(cls: str, tflops: float, tb: float) -> float:
    """Power to host `tflops` and `tb` on the reference types, at utilization u."""
    power = 0.0
    if tflops > 0:
        c = NODE_TEMPLATES[cls]
        power += tflops / (UTILIZATION * c[0]) * c[2]
    if tb > 0:
        s = NODE_TEMPLATES["storage"]
        power += tb / s[1] * s[2]
    return power


def service_size(rng: random.Random, cls: str) -> tuple[float, float, float]:
    """compute (TFLOPS), storage (TB), traffic (Gbps): log-uniform, realistic ranges."""
    lu = lambda lo, hi: math.exp(rng.uniform(math.log(lo), math.log(hi)))
    if cls == "ai":
        return lu(200, 40_000), lu(10, 500), lu(0.5, 10)
    if cls == "hpc":
        return lu(10, 500), lu(5, 200), lu(0.1, 2)
    if cls == "storage":
        return 0.0, lu(100, 10_000), lu(0.1, 5)
    return lu(5, 600), lu(5, 2_000), lu(0.1, 20)


def make_workloads(rng: random.Random, count: int, regions: list[Region], links) -> list[Workload]:
    names = [r.name for r in regions]
    by_name = {r.name: r for r in regions}
    dist_cache: dict[str, list[tuple[int, str]]] = {}
    out = []
    for i in range(count):
        origin = None if rng.random() < NO_ORIGIN_SHARE else rng.choice(names)
        if rng.random() < JOB_SHARE:
            out.append(make_job(rng, f"j{i:06d}", origin))
            continue
        out.append(make_service(rng, f"d{i:06d}", origin, by_name, links, dist_cache))
    return out


def make_service(rng, name, origin, by_name, links, dist_cache) -> Workload:
    cls = weighted(rng, CLASS_MIX)
    tflops, tb, gbps = service_size(rng, cls)
    props = {"class": cls}
    if tflops:
        props["compute"] = f"{num(tflops / 1000)} PFLOPS" if tflops >= 1000 else f"{num(tflops)} TFLOPS"
    props["storage"] = f"{num(tb)} TB"
    if origin is not None:
        props["origin"] = origin
        props["traffic"] = f"{num(gbps, 3)} Gbps"
        if rng.random() < LATENCY_SHARE:
            props["max_latency"] = f"{latency_limit(rng, origin, links, dist_cache)} ms"
        if rng.random() < RESIDENCY_SHARE:
            o = by_name[origin]
            props["residency"] = f"[{rng.choice((f'z{o.zone}', 'west' if o.west else 'east'))}]"
    elif cls == "storage" and rng.random() < 0.5:
        props["residency"] = "[west]"  # cold archives go west
    if cls == "ai" and rng.random() < 0.1:
        props["split"] = "false"
    return Workload(name, cls, props, origin, ref_power_kw(cls, tflops, tb))


def latency_limit(rng, origin, links, dist_cache) -> int:
    """The latency of the k-th nearest region (k = 2..6): at least k regions stay allowed."""
    if origin not in dist_cache:
        dist_cache[origin] = sorted((d, r) for r, d in latencies_from(origin, links).items())
    near = dist_cache[origin]
    return near[min(len(near) - 1, rng.randint(1, 5))][0]


def make_job(rng: random.Random, name: str, origin: str | None) -> Workload:
    """Sized so the reference type finishes in ~70% of the deadline on N0 nodes."""
    cls = weighted(rng, (("ai", 0.6), ("hpc", 0.25), ("general", 0.15)))
    f_tflops, _, power_kw, _, _ = NODE_TEMPLATES[cls]
    n0 = rng.choice((4, 8, 16, 32, 64, 128))
    deadline = rng.choice((7, 14, 30, 60, 90))
    sigma = rng.choice((0.001, 0.002, 0.005, 0.01))
    eff = rng.choice((0.4, 0.5, 0.6, 0.7))
    tau1_days = 0.7 * deadline / (sigma + (1 - sigma) / n0)
    work_pflops_day = tau1_days * eff * f_tflops / 1000
    tb = rng.uniform(10, 500)
    props = {"class": cls, "work": f"{num(work_pflops_day)} PFLOPS * day", "deadline": f"{deadline} days",
             "serial_fraction": f"{num(sigma * 100)}%", "efficiency": f"{eff * 100:.0f}%",
             "storage": f"{num(tb)} TB"}
    if origin is not None:
        props["origin"] = origin
        props["data"] = f"{num(rng.uniform(1, 100))} TB"
    need = n0 * power_kw + ref_power_kw("storage", 0, tb)
    return Workload(name, cls, props, origin, need, job=True)


# ------------------------------------------------------- caps and requires --

def set_power_caps(rng: random.Random, regions: list[Region], workloads: list[Workload]) -> None:
    """cap >= 2 x (local need) + a share of the global need, x PUE; west gets extra
    room for the AI share require."""
    local = {r.name: 0.0 for r in regions}
    total = ai_total = 0.0
    for w in workloads:
        total += w.power_kw
        ai_total += w.power_kw if w.cls == "ai" else 0.0
        if w.origin is not None:
            local[w.origin] += w.power_kw
    west = sum(r.west for r in regions)
    for r in regions:
        pue = float(r.props["pue"])
        kw = 2 * local[r.name] + total * rng.uniform(1.0, 3.0) / len(regions)
        if r.west:
            kw += ai_total / west
        r.props["power_cap"] = f"{math.ceil(pue * kw / 1000) + 5} MW"


def ai_quota_mw(region: Region, workloads: list[Workload]) -> int:
    local_ai = sum(w.power_kw for w in workloads if w.origin == region.name and w.cls == "ai")
    return math.ceil(2 * float(region.props["pue"]) * local_ai / 1000) + 2


def requires(rng: random.Random, regions: list[Region], workloads: list[Workload]) -> list[str]:
    lines = ["require west_ai: compute(ai, west) >= 40% * compute(ai)",
             "for r in tag(hub): require compute(r, general) / storage(r) <= 2 GFLOPS/GB"]
    metros = [r for r in regions if r.metro]
    for r in rng.sample(metros, min(3, len(metros))):
        lines.append(f"require quota_{r.name}: power({r.name}, ai) <= {ai_quota_mw(r, workloads)} MW")
    free = [w for w in workloads if not w.job and w.origin and "max_latency" not in w.props
            and "residency" not in w.props and w.props.get("split") != "false"]
    for w in rng.sample(free, min(2, len(free))):
        lines.append(f"require served({w.name}, west) >= 50%")
    return lines


# ---------------------------------------------------------------- emit ----

def block(kind: str, name: str, props: dict) -> str:
    body = "; ".join(f"{k} = {v}" for k, v in props.items())
    return f"{kind} {name} {{ {body} }}"


def node_props(t: NodeType) -> dict:
    props = {"class": t.cls}
    if t.compute:
        props["compute"] = f"{num(t.compute)} TFLOPS"
    props.update({"storage": f"{num(t.storage)} TB", "power": f"{num(t.power, 3)} kW",
                  "capex": f"{num(t.capex, 3)} CNY", "lifetime": f"{t.lifetime} years",
                  "opex": f"{num(t.opex, 3)} CNY/year"})
    if t.regions is not None:
        props["regions"] = "[" + ", ".join(t.regions) + "]"
    return props


def _netgen():
    """bench/netgen.py, found beside this file (the bench is run as scripts, not a package)."""
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    import netgen
    return netgen


AI_GROWTH = "15%"  # per year: 1.15^4 = 1.75 stays inside the 2x power-cap margin over 5 years


def generate(size: str, seed: int = 1, years: int = 0) -> str:
    """`years` > 0: the same instance as a build-out over that many yearly periods
    (8% discount rate, AI demands growing 15% a year); 0 keeps the single period.
    A size not in SIZES is a link-heavy shape of bench/netgen.py (NET; `years` unused)."""
    if size not in SIZES:
        return _netgen().generate_shape(size, seed)
    n_regions, n_types, n_demands = SIZES[size]
    rng = random.Random(f"{size}:{seed}")
    regions = make_regions(rng, n_regions)
    links = make_links(rng, regions)
    types = make_node_types(rng, n_types, regions)
    workloads = make_workloads(rng, n_demands, regions, links)
    set_power_caps(rng, regions, workloads)
    out = [f"# suanli benchmark spec: size {size}, seed {seed} ({n_regions} regions, "
           f"{n_types} node types, {n_demands} demands). Generated by bench/generate.py.",
           f"settings {{ {_period(years)}; currency = CNY; utilization = {UTILIZATION * 100:.0f}%; "
           "carbon_price = 60 CNY/tCO2 }"]
    for r in regions:
        props = dict(r.props, tags="[" + ", ".join(region_tags(r)) + "]")
        out.append(block("region", r.name, props))
    for a, b, lat, bw, cost in links:
        out.append(f"link {a} -- {b} {{ latency = {lat} ms; bandwidth = {bw} Gbps; "
                   f"transfer_cost = {cost} CNY/GB }}")
    out += [block("node", t.name, node_props(t)) for t in types]
    out += [block("job" if w.job else "demand", w.name, _grown(w, years)) for w in workloads]
    out += requires(rng, regions, workloads)
    out.append("objective = minimize cost")
    return "\n".join(out) + "\n"


def _period(years: int) -> str:
    if years <= 0:
        return "horizon = 1 year"
    return f"years = 2026 .. {2025 + years}; discount_rate = 8%"


def _grown(w, years: int) -> dict:
    if years <= 0 or w.job or w.cls != "ai":
        return w.props
    return dict(w.props, growth=AI_GROWTH)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size", choices=[*sorted(SIZES), *sorted(_netgen().NET_SHAPES)])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", help="write here (default: stdout)")
    ap.add_argument("--years", type=int, default=0,
                    help="a multi-year build-out of N yearly periods (default 0: one period)")
    args = ap.parse_args(argv)
    text = generate(args.size, args.seed, args.years)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
