"""Pass 6: the regions each demand and job may run in (LANGUAGE.md §6).

Every region, filtered by `residency`; with an origin, only regions reachable
from it, and with `max_latency` L only those with latency <= L (inclusive).
When nothing is left the error says which filter removed which regions.
"""

from __future__ import annotations

from fractions import Fraction

from suanli.compiler.build_entities import Entity, World
from suanli.compiler.compute_paths import PathInfo
from suanli.compiler.edge_limits import limit_params
from suanli.diagnostics import DiagnosticBag, error


def allowed_regions(ent: Entity, world: World, paths: dict[str, dict[str, PathInfo]],
                    diags: DiagnosticBag, cache: dict | None = None) -> tuple[str, ...]:
    """Allowed regions of one demand or job. Demands that share residency, origin and
    latency limit share the answer, so `cache` (per compile) avoids recomputing it."""
    key = (ent["residency"], ent["origin"], ent["max_latency"])
    if cache is not None and key in cache:
        keep, steps = cache[key]
    else:
        keep, steps = _compute(ent, world, paths)
        if cache is not None:
            cache[key] = (keep, steps)
    keep, steps, why = limit_params(ent, world, keep, steps)  # §9, per entity: outside the cache
    if not keep:
        diags.add(error("E0702", f"{ent.kind} `{ent.name}` has no allowed region{why}", ent.span,
                        "nowhere to run", notes=steps,
                        help="relax residency or max_latency, or add a link or region"))
    return keep


def _compute(ent: Entity, world: World, paths) -> tuple[tuple[str, ...], list[str]]:
    steps: list[str] = []
    keep = sorted(world.regions)
    residency = ent["residency"]
    if residency is not None:
        keep = _filter(keep, lambda r: r in residency, "residency", steps)
    origin = ent["origin"]
    if origin is not None:
        reach = paths.get(origin, {})
        keep = _filter(keep, lambda r: r in reach, f"reachable from {origin}", steps)
        limit = ent["max_latency"]
        if limit is not None:
            before = keep
            keep = _filter(keep, lambda r: reach[r].latency <= limit,
                           f"within {_ms(limit)} of {origin}", steps)
            if not keep and before:  # say how far the nearest candidate is
                steps[-1] += f" ({_nearest(reach, before)})"
    return tuple(keep), steps


def _filter(keep: list[str], pred, what: str, steps: list[str]) -> list[str]:
    kept = [r for r in keep if pred(r)]
    if len(kept) < len(keep):
        kept_set = set(kept)
        removed = [r for r in keep if r not in kept_set]
        steps.append(f"{what}: keeps {_names(kept)}, removes {_names(removed)}")
    return kept


def _nearest(reach: dict[str, PathInfo], candidates: list[str]) -> str:
    options = [(reach[r].latency, r) for r in candidates if r in reach]
    if not options:
        return ""
    latency, region = min(options)
    return f"nearest is {region} at {_ms(latency)}"


def _names(regions: list[str]) -> str:
    if not regions:
        return "none"
    shown = ", ".join(regions[:8])
    return shown + (f" and {len(regions) - 8} more" if len(regions) > 8 else "")


def _ms(seconds: Fraction) -> str:
    return f"{float(seconds) * 1000:.6g} ms"
