"""Solution vector -> PlanState (spec names), and Plan -> PlanState back.

Only decisions cross this boundary; every derived number is recomputed by
evaluate.py, so a plan read from disk and a plan fresh from the solver are
checked the same way.

Integer plans: open[r] and y[j,r,t] are binaries (read as > 0.5), so a site
is 1.0 or 0.0 and a job has one placement of fraction 1.0. Relaxed plans
(`--relax`, every column continuous): the LP's values are the decisions --
open[r] in [0,1] (settled by postsolve.settle_sites), and every
y[j,r,t] > 1e-9 is a placement with that fraction.
"""

from __future__ import annotations

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.evaluate import PlanState
from suanli.solver.plan import Plan
from suanli.solver.sparse import SparseProgram
from suanli.tolerances import ZERO


def state_from_solution(program: Program, sp: SparseProgram, x: np.ndarray) -> PlanState:
    regions, types = program.regions, program.node_types
    relaxed = sp.relaxed
    st = PlanState()
    n = sp.family("n")
    xn = x[n.start:n.stop]
    for k in np.flatnonzero(xn > ZERO).tolist():  # only the columns that hold something
        st.nodes[(regions[n.keys["r"][k]].name, types[n.keys["t"][k]].name)] = _count(xn[k], relaxed)
    op = sp.family("open")
    for r, v in zip(op.keys["r"].tolist(), x[op.start:op.stop].tolist()):
        # relaxed: as settled by postsolve.settle_sites (> 0 wherever nodes stand, however small)
        st.open[regions[r].name] = min(1.0, max(0.0, float(v))) if relaxed else (1.0 if v > 0.5 else 0.0)
    xs = sp.family("x")
    names = [r.name for r in regions]
    served = [{} for _ in program.services]
    xv = x[xs.start:xs.stop]
    hit = np.flatnonzero(xv > ZERO)
    for d, r, v in zip(xs.keys["d"][hit].tolist(), xs.keys["r"][hit].tolist(), xv[hit].tolist()):
        served[d][names[r]] = v
    st.served = {svc.name: fr for svc, fr in zip(program.services, served)}
    ys = sp.family("y")
    for job in program.jobs:
        st.jobs[job.name] = []
    yv = x[ys.start:ys.stop]
    hit = np.flatnonzero(yv > (ZERO if relaxed else 0.5))
    for j, r, t, v in zip(ys.keys["j"][hit].tolist(), ys.keys["r"][hit].tolist(),
                          ys.keys["t"][hit].tolist(), yv[hit].tolist()):
        if relaxed:
            st.jobs[program.jobs[j].name].append((names[r], types[t].name, _fraction(v)))
        else:
            st.jobs[program.jobs[j].name] = [(names[r], types[t].name, 1.0)]
    for places in st.jobs.values():
        places.sort()
    _backups_from_solution(program, sp, x, st)
    return st


def _backups_from_solution(program: Program, sp: SparseProgram, x: np.ndarray, st: PlanState) -> None:
    """§9: z[d,b] -- a copy where z > 0.5 (integer plans, as 1.0) or z > ZERO (relaxed)."""
    zs = sp.family("z")
    if zs is None or not any(s.backups > 0 for s in program.services):
        return
    st.backups = {s.name: {} for s in program.services if s.backups > 0}
    zv = x[zs.start:zs.stop]
    hit = np.flatnonzero(zv > (ZERO if sp.relaxed else 0.5))
    for d, r, v in zip(zs.keys["d"][hit].tolist(), zs.keys["r"][hit].tolist(), zv[hit].tolist()):
        st.backups[program.services[d].name][program.regions[r].name] = _fraction(v) if sp.relaxed else 1.0


def _count(v: float, relaxed: bool):
    if relaxed:
        return float(v)
    return int(round(v))


def _fraction(v: float) -> float:
    """A job's LP fraction, clipped to [0,1] (solver noise) and with |v| < ZERO as 0."""
    v = min(1.0, max(0.0, float(v)))
    return 0.0 if v < ZERO else v


def state_from_plan(program: Program, plan: Plan) -> PlanState:
    """Decisions of a plan file. Names are taken as written; verify.py
    reports unknown ones. `open_fraction` and `placements` (relaxed plans)
    take precedence over `open` and `region`/`node_type`."""
    st = PlanState()
    site = {r.name for r in program.regions if r.site_cost > 0}
    for reg in plan.regions:
        for t, v in reg.nodes.items():
            st.nodes[(reg.name, t)] = float(v)
        if reg.name in site:
            st.open[reg.name] = (float(reg.open_fraction) if reg.open_fraction is not None
                                 else (1.0 if reg.open else 0.0))
    for dem in plan.demands:
        st.served[dem.name] = dict(dem.regions)
        if dem.backup_fractions is not None:
            st.backups[dem.name] = dict(dem.backup_fractions)
        elif dem.backups is not None:
            st.backups[dem.name] = {r: 1.0 for r in dem.backups}
    for job in plan.jobs:
        if job.placements is not None:
            st.jobs[job.name] = sorted((p.region, p.node_type, float(p.fraction)) for p in job.placements)
        elif job.region and job.node_type:
            st.jobs[job.name] = [(job.region, job.node_type, 1.0)]
        else:
            st.jobs[job.name] = []
    return st
