"""A baseline plan as the MIP start of a changed spec (`solve --baseline`).

The base plan is read by names: which sites are open, where each job runs
(region and node type) and where each unsplittable service is served (its
largest fraction). Those choices are fixed where the changed program still
has the column, and heuristics.mip_start repairs the rest: new demands and
jobs, node counts (from the LP, rounded up) and split services. If the
base choices no longer fit (a site the change needs was closed, a cap
shrank), the plain rounding of the LP relaxation is used instead.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.sparse import SparseProgram


def fixings(program: Program, sp: SparseProgram, plan: dict) -> Optional[dict[int, float]]:
    """Column -> value for the base plan's sites and placements; None when
    the plan has none to offer (no plan, or a relaxed one)."""
    if plan.get("relaxed") or plan.get("status") not in ("optimal", "feasible"):
        return None
    region = {r.name: i for i, r in enumerate(program.regions)}
    ntype = {t.name: i for i, t in enumerate(program.node_types)}
    out: dict[int, float] = {}
    _sites(sp, plan, region, out)
    _jobs(sp, program, plan, region, ntype, out)
    _services(sp, program, plan, region, out)
    return out or None


def _sites(sp: SparseProgram, plan: dict, region: dict[str, int], out: dict[int, float]) -> None:
    op = sp.family("open")
    if op is None or not len(op):
        return
    col = {int(r): op.start + k for k, r in enumerate(op.keys["r"])}
    for reg in plan.get("regions") or []:
        c = col.get(region.get(reg.get("name"), -1))
        if c is not None and isinstance(reg.get("open"), bool):
            out[c] = 1.0 if reg["open"] else 0.0


def _jobs(sp, program, plan, region, ntype, out) -> None:
    fam, job_ix = sp.family("y"), _by_name(program.jobs)
    if not fam:  # none, or empty
        return
    for job in plan.get("jobs") or []:
        j = job_ix.get(job.get("name"))
        r, t = region.get(job.get("region")), ntype.get(job.get("node_type"))
        if j is None or r is None or t is None:
            continue
        ids = _block(fam.keys["j"], j)
        _choose(out, fam, ids, ids[(fam.keys["r"][ids] == r) & (fam.keys["t"][ids] == t)])


def _services(sp, program, plan, region, out) -> None:
    fam, svc_ix = sp.family("x"), _by_name(program.services)
    if not fam:
        return
    for dem in plan.get("demands") or []:
        d = svc_ix.get(dem.get("name"))
        fractions = dem.get("regions") or {}
        if d is None or program.services[d].split or not fractions:
            continue
        best = min(fractions, key=lambda name: (-fractions[name], name))
        ids = _block(fam.keys["d"], d)
        _choose(out, fam, ids, ids[fam.keys["r"][ids] == region.get(best, -1)])


def _by_name(items) -> dict[str, int]:
    return {item.name: i for i, item in enumerate(items)}


def _choose(out: dict[int, float], fam, ids: np.ndarray, hit: np.ndarray) -> None:
    """The first column of `hit` chosen (1), the others of its entity `ids` not (0)."""
    if len(hit):
        out.update({fam.start + int(k): 0.0 for k in ids})
        out[fam.start + int(hit[0])] = 1.0


def _block(keys: np.ndarray, k: int) -> np.ndarray:
    """Positions of key k in a family ordered by it (x by service, y by job)."""
    return np.arange(np.searchsorted(keys, k, "left"), np.searchsorted(keys, k, "right"))
