"""Generator, part 2: the demands, jobs, power caps and requires of a spec.

Used by bench/generate.py; draws from the caller's `random.Random` in a fixed order.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from gen_world import NODE_TEMPLATES, Region, latencies_from, num, weighted

HOURS_PER_YEAR = 8760
UTILIZATION = 0.75
JOB_SHARE = 0.03
LATENCY_SHARE = 0.30
RESIDENCY_SHARE = 0.25
NO_ORIGIN_SHARE = 0.08
CLASS_MIX = (("general", 0.45), ("ai", 0.25), ("hpc", 0.12), ("storage", 0.18))

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
