"""Pass: the regions each demand and job may run in (LANGUAGE.md §6).

Every region, filtered by `residency`; with an origin, only regions reachable
from it, and with `max_latency` L only those with latency <= L (inclusive).
Then, per demand or job, edge limits (edge_limits.py: `params` above a region's
`max_params`). When nothing is left the error says which filter removed which regions.

Demands and jobs that share (residency, origin, max_latency) share the answer:
it is computed once per distinct key (`cache`), and each origin's reach and
latency test is a vectorised row of the PathTable, so the pass costs
O(distinct keys x regions), not O(demands x regions).
"""

from __future__ import annotations

from fractions import Fraction

from suanli.compiler.build_entities import Entity, World
from suanli.compiler.edge_limits import limit_params
from suanli.compiler.path_table import PathTable
from suanli.compiler.state import CompileState
from suanli.diagnostics import DiagnosticBag, error


def allowed_regions(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """Pass: the allowed regions of every demand and job the IR will hold."""
    world, cache = state.world, {}
    for ent in (*world.placed_demands(), *world.placed_jobs()):
        state.allowed[ent.name] = regions_for(ent, world, state.paths, diags, cache)
    return state


def regions_for(ent: Entity, world: World, paths: PathTable,
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


def _compute(ent: Entity, world: World, paths: PathTable) -> tuple[tuple[str, ...], list[str]]:
    steps: list[str] = []
    keep = sorted(world.regions)
    residency = ent["residency"]
    if residency is not None:
        keep = _filter(keep, set(residency), "residency", steps)
    origin = ent["origin"]
    if origin is not None:
        if paths.reach_count(origin) < len(world.regions):  # else every region is reachable
            keep = _filter(keep, paths.reachable(origin), f"reachable from {origin}", steps)
        limit = ent["max_latency"]
        if limit is not None:
            before = keep
            keep = _filter(keep, paths.within(origin, limit), f"within {_ms(limit)} of {origin}", steps)
            if not keep and before:  # say how far the nearest candidate is
                steps[-1] += f" ({_nearest(paths, origin, before)})"
    return tuple(keep), steps


def _filter(keep: list[str], allowed, what: str, steps: list[str]) -> list[str]:
    """`keep` less the regions not in `allowed` (a set), with a note when it removes any."""
    kept = [r for r in keep if r in allowed]
    if len(kept) < len(keep):
        kept_set = set(kept)
        removed = [r for r in keep if r not in kept_set]
        steps.append(f"{what}: keeps {_names(kept)}, removes {_names(removed)}")
    return kept


def _nearest(paths: PathTable, origin: str, candidates: list[str]) -> str:
    options = [(paths.exact_latency(origin, r), r) for r in candidates]
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
