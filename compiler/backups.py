"""Backups (数据灾备) of `split = false` demands (LANGUAGE.md §9), compile side.

`backups = K` copies of the demand's storage are held in K distinct regions
b chosen by the solver among the regions its `residency` allows (latency
limits do not apply to copies). A copy may not sit closer than
`backup_separation = T` to where the demand is served: every pair (r, b)
with latency(r, b) < T (strict; r = b has latency 0, and regions with no
path between them are infinitely far) is a conflict, x[d,r] + z[d,b] <= 1.
Latency is the least total link latency, in exact rationals as for paths.

Here: the checks (backups on a split demand; no region far enough, with the
numbers) and the IR fields the solver and the verifier start from.
"""

from __future__ import annotations

from fractions import Fraction

from suanli.compiler.latency import least_latencies
from suanli.compiler.path_ties import ties_with_least
from suanli.compiler.state import CompileState
from suanli.diagnostics import DiagnosticBag, Label, error


def backups(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """Pass: the IR backup fields of every placed demand (E0723 when no region is far enough)."""
    latencies: dict = {}  # region -> latencies from it, shared by every demand
    for d in state.world.placed_demands():
        state.backups[d.name] = backup_fields(d, state.allowed[d.name], state.world, diags, latencies)
    return state


def check_backups(decl, props, ent, diags) -> None:
    """`backups` (K > 0) needs `split = false`: a copy of a demand served in pieces has no single home."""
    if (ent["backups"] or 0) > 0 and ent["split"] is not False:
        span = props["backups"].value.span if "backups" in props else decl.name_span
        extra = [Label(props["split"].value.span, "split here")] if "split" in props else []
        diags.add(error("E0722", f"demand `{decl.name}` has backups but may be split",
                        span, "backups need split = false", extra=extra,
                        help=f"add `split = false` to demand `{decl.name}` (a copy needs one primary region)"))


def latencies_from(source: str, links) -> dict[str, Fraction]:
    """Least total link latency from `source` to every reachable region (exact)."""
    edges = ((link["a"], link["b"], link["latency"]) for link in links
             if link["a"] and link["b"] and link["latency"] is not None)
    return least_latencies(source, edges, Fraction(0))


def backup_fields(d, allowed: tuple[str, ...], world, diags, cache: dict | None = None) -> dict:
    """IR fields of the demand's backups; reports a demand no region is far enough for.
    `cache` (per compile) keeps each region's latencies for the next demand."""
    k = int(d["backups"] or 0)
    if k <= 0 or d["split"] is not False:
        return {}
    sep = Fraction(d["backup_separation"] or 0)
    residency = d["residency"]
    regions = tuple(sorted(r for r in world.regions if residency is None or r in residency))
    conflicts, far = [], {}
    cache = {} if cache is None else cache
    for r in allowed:
        lat = cache[r] = cache[r] if r in cache else latencies_from(r, world.links)
        near = {b for b in regions if b in lat and _too_near(lat[b], sep)}
        conflicts += [(r, b) for b in regions if b in near]
        far[r] = [b for b in regions if b not in near]
    if allowed and all(len(bs) < k for bs in far.values()):
        _too_close(d, k, sep, regions, allowed, cache, diags)
    return {"backups": k, "backup_separation": float(sep), "backup_regions": regions,
            "backup_conflicts": tuple(conflicts)}


def _too_near(latency: Fraction, sep: Fraction) -> bool:
    """Λ < T, where a Λ tied with T (within 1e-9 relative, as path totals and latency
    limits are compared: LANGUAGE.md §6) counts as far enough -- as the verifier counts it."""
    return latency < sep and not ties_with_least(sep, latency)


def _too_close(d, k, sep, regions, allowed, latencies: dict, diags) -> None:
    notes = []
    for r in allowed[:8]:
        lat = latencies[r]
        reach = sorted(((lat[b], b) for b in regions if b in lat and b != r), reverse=True)
        far = sum(1 for b in regions if b not in lat or lat[b] >= sep)
        farthest = f"; the farthest is {reach[0][1]} at {_ms(reach[0][0])}" if reach else ""
        notes.append(f"served in {r}: {far} region(s) at least {_ms(sep)} away{farthest}")
    if len(allowed) > 8:
        notes.append(f"... and {len(allowed) - 8} more regions it may be served in")
    diags.add(error("E0723", f"demand `{d.name}` needs {k} backup(s) at least {_ms(sep)} from where it is "
                    f"served, but no region it may be served in has {k} backup region(s) that far",
                    d.span, "no region far enough", notes=notes,
                    help="lower backup_separation or backups, widen residency, or add a region"))


def _ms(seconds) -> str:
    return f"{float(seconds) * 1000:.6g} ms"
