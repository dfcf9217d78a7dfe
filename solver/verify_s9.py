"""The verifier's checks of LANGUAGE.md §9 (memory, backups), independent of lowering.

- memory, per region: demands' memory x fraction + jobs' memory x y <= installed memory;
- backups of each demand d with `backups = K`: the copies' z sum to K, each in
  [0, 1] (1/0 unless the plan is relaxed), each in a region its residency
  allows, and for every served region r and copy region b with latency
  Λ(r, b) < backup_separation: x[d,r] + z[d,b] <= 1. Λ is recomputed here
  from the links (least total link latency, Dijkstra in floats); a pair with
  no path is infinitely far. Λ within 1e-9 relative of the separation counts
  as far enough (ties are not violations);
- a demand without backups may not list any; `memory_tb` must match.
Backup storage is part of the storage check in verify.py (via backup_need).
"""

from __future__ import annotations

from suanli.compiler.latency import least_latencies
from suanli.solver.units import TB

ABS, REL = 1e-6, 1e-9


def _le(lhs: float, rhs: float, unit: float) -> bool:
    return lhs <= rhs + ABS * unit + REL * (abs(lhs) + abs(rhs))


def backup_need(program, state) -> dict[str, float]:
    """B of storage each region holds for backup copies (z-weighted)."""
    out: dict[str, float] = {}
    for svc in program.services:
        for r, z in state.backups.get(svc.name, {}).items():
            out[r] = out.get(r, 0.0) + svc.storage * z
    return out


def check_memory(program, plan, state, ev) -> list[str]:
    need: dict[str, float] = {}
    for svc, r, frac in ev.service_items():
        need[r] = need.get(r, 0.0) + svc.memory * frac
    for job, r, _, _, frac in ev.job_items():
        need[r] = need.get(r, 0.0) + job.memory * frac
    out = []
    for r, v in sorted(need.items()):
        have = float((ev.n[ev.ix.region_ix[r]] * ev.ix.t_memory).sum())
        if v > 0 and not _le(v, have, TB):
            out.append(f"memory in {r}: {v / TB:.9g} TB needed, {have / TB:.9g} TB installed")
    for preg in plan.regions:
        if preg.memory_tb is None:
            continue
        want = float((ev.n[ev.ix.region_ix[preg.name]] * ev.ix.t_memory).sum()) / TB
        if abs(preg.memory_tb - want) > ABS + REL * max(abs(want), abs(preg.memory_tb)):
            out.append(f"region {preg.name}: memory_tb is {preg.memory_tb}, recomputed {want:.9g}")
    return out


def check_backups(program, plan, state, ev) -> list[str]:
    out = []
    regions = {r.name for r in program.regions}
    latencies: dict[str, dict[str, float]] = {}  # serving region -> latencies from it
    for svc in program.services:
        copies = state.backups.get(svc.name, {})
        if svc.backups <= 0:
            out += [f"demand {svc.name} has no backups but the plan holds one in {r}"
                    for r, z in sorted(copies.items()) if z > ABS]
            continue
        out += _count_and_place(svc, copies, plan.relaxed, regions)
        out += _separation(svc, copies, state.served.get(svc.name, {}), program, latencies)
    return out


def _count_and_place(svc, copies, relaxed: bool, regions) -> list[str]:
    out = []
    total = sum(copies.values())
    if abs(total - svc.backups) > ABS:
        out.append(f"demand {svc.name} holds {total:.9g} backups; backups = {svc.backups}")
    for r, z in sorted(copies.items()):
        if r not in regions:
            out.append(f"demand {svc.name} has a backup in unknown region {r!r}")
        elif svc.residency is not None and r not in svc.residency and z > ABS:
            out.append(f"demand {svc.name} has a backup in {r}, outside its residency")
        if z < -ABS or z > 1 + ABS or (not relaxed and abs(z - round(z)) > ABS):
            out.append(f"demand {svc.name} has backup fraction {z} in {r}")
    return out


def _separation(svc, copies, served, program, latencies: dict) -> list[str]:
    out = []
    sep = svc.backup_separation
    for r, x in sorted(served.items()):
        if x <= ABS:
            continue
        if r not in latencies:
            latencies[r] = latencies_from(r, program.links)
        lat = latencies[r]
        for b, z in sorted(copies.items()):
            near = b in lat and lat[b] < sep and not abs(lat[b] - sep) <= REL * sep
            if near and x + z > 1 + ABS:
                out.append(f"demand {svc.name}: backup in {b} is {lat[b] * 1000:.9g} ms from {r}, where it is "
                           f"served; backup_separation is {sep * 1000:.9g} ms")
    return out


def latencies_from(source: str, links) -> dict[str, float]:
    return least_latencies(source, ((link.a, link.b, link.latency) for link in links), 0.0)
