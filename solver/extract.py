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

TINY = 1e-9


def state_from_solution(program: Program, sp: SparseProgram, x: np.ndarray) -> PlanState:
    regions, types = program.regions, program.node_types
    st = PlanState()
    n = sp.family("n")
    for r, t, v in zip(n.keys["r"], n.keys["t"], x[n.start:n.stop]):
        if v > TINY:
            st.nodes[(regions[r].name, types[t].name)] = _count(v, sp.relaxed)
    op = sp.family("open")
    for r, v in zip(op.keys["r"], x[op.start:op.stop]):
        # relaxed: as settled by postsolve.settle_sites (> 0 wherever nodes stand, however small)
        st.open[regions[r].name] = min(1.0, max(0.0, float(v))) if sp.relaxed else (1.0 if v > 0.5 else 0.0)
    xs = sp.family("x")
    for svc in program.services:
        st.served[svc.name] = {}
    for d, r, v in zip(xs.keys["d"], xs.keys["r"], x[xs.start:xs.stop]):
        if v > TINY:
            st.served[program.services[d].name][regions[r].name] = float(v)
    ys = sp.family("y")
    for job in program.jobs:
        st.jobs[job.name] = []
    for j, r, t, v in zip(ys.keys["j"], ys.keys["r"], ys.keys["t"], x[ys.start:ys.stop]):
        if sp.relaxed and v > TINY:
            st.jobs[program.jobs[j].name].append((regions[r].name, types[t].name, _fraction(v)))
        elif not sp.relaxed and v > 0.5:
            st.jobs[program.jobs[j].name] = [(regions[r].name, types[t].name, 1.0)]
    for places in st.jobs.values():
        places.sort()
    return st


def _count(v: float, relaxed: bool):
    if relaxed:
        return float(v)
    return int(round(v))


def _fraction(v: float) -> float:
    """A job's LP fraction, clipped to [0,1] (solver noise) and with |v| < TINY as 0."""
    v = min(1.0, max(0.0, float(v)))
    return 0.0 if v < TINY else v


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
    for job in plan.jobs:
        if job.placements is not None:
            st.jobs[job.name] = sorted((p.region, p.node_type, float(p.fraction)) for p in job.placements)
        elif job.region and job.node_type:
            st.jobs[job.name] = [(job.region, job.node_type, 1.0)]
        else:
            st.jobs[job.name] = []
    return st
