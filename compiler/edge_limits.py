"""`max_params` on regions (LANGUAGE.md §9): an allowed-region filter.

A demand or job whose `params` exceed a region's `max_params` may not be
placed there (an edge site serves models up to a size, e.g. 7e9 parameters).
Applied after residency, reachability and latency (allowed_regions.py), so
the no-allowed-region error can say which regions the model was too big for.
"""

from __future__ import annotations

from fractions import Fraction


def limit_params(ent, world, keep: tuple[str, ...], steps: list[str]) -> tuple[tuple[str, ...], list[str], str]:
    """(regions kept, steps with this filter's note, the reason when it emptied the set)."""
    params = ent["params"]
    if params is None or not keep:
        return keep, steps, ""
    limits = {r: world.regions[r]["max_params"] for r in keep}
    too_big = [r for r in keep if limits[r] is not None and Fraction(params) > limits[r]]
    if not too_big:
        return keep, steps, ""
    kept = tuple(r for r in keep if r not in set(too_big))
    shown = ", ".join(f"{r} ({number(limits[r])})" for r in too_big[:8]) + (" ..." if len(too_big) > 8 else "")
    steps = [*steps, f"max_params below {number(params)}: removes {shown}"]
    if kept:
        return kept, steps, ""
    caps = sorted({limits[r] for r in too_big})
    cap = number(caps[0]) if len(caps) == 1 else f"{number(caps[0])} .. {number(caps[-1])}"
    why = (f": {ent.name} ({number(params)} params) exceeds max_params {cap} "
           f"in every {_where(ent, world, keep)}")
    return kept, steps, why


def _where(ent, world, keep) -> str:
    """`edge region within 10 ms of shenzhen`: what the earlier filters left, in words."""
    tags = set.intersection(*(set(t for t, _ in world.regions[r]["tags"] or []) for r in keep))
    noun = f"{sorted(tags)[0]} region" if len(keep) > 1 and len(tags) == 1 else "region"
    if len(keep) == 1:
        noun = f"allowed region ({keep[0]})"
    origin, limit = ent["origin"], ent["max_latency"]
    if origin is not None and limit is not None:
        return f"{noun} within {float(limit) * 1000:.6g} ms of {origin}"
    if origin is not None:
        return f"{noun} reachable from {origin}"
    return noun + (" of its residency" if ent["residency"] is not None else "")


def number(v) -> str:
    """7e10, 7e9, 1.75e11, 500: the way a planner writes a parameter count."""
    text = f"{float(v):.6g}"
    return text.replace("e+0", "e").replace("e+", "e")
