"""Solution vector -> PlanState (spec names), and Plan -> PlanState back.

Only decisions cross this boundary; every derived number is recomputed by
evaluate.py, so a plan read from disk and a plan fresh from the solver are
checked the same way.
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
        st.open[regions[r].name] = bool(v > 0.5)
    xs = sp.family("x")
    for svc in program.services:
        st.served[svc.name] = {}
    for d, r, v in zip(xs.keys["d"], xs.keys["r"], x[xs.start:xs.stop]):
        if v > TINY:
            st.served[program.services[d].name][regions[r].name] = float(v)
    ys = sp.family("y")
    for job in program.jobs:
        st.jobs[job.name] = None
    for j, r, t, v in zip(ys.keys["j"], ys.keys["r"], ys.keys["t"], x[ys.start:ys.stop]):
        if v > 0.5:
            st.jobs[program.jobs[j].name] = (regions[r].name, types[t].name)
    return st


def _count(v: float, relaxed: bool):
    if relaxed:
        return float(v)
    return int(round(v))


def state_from_plan(program: Program, plan: Plan) -> PlanState:
    """Decisions of a plan file. Names are taken as written; verify.py
    reports unknown ones."""
    st = PlanState()
    for reg in plan.regions:
        for t, v in reg.nodes.items():
            st.nodes[(reg.name, t)] = float(v)
        if any(r.name == reg.name and r.site_cost > 0 for r in program.regions):
            st.open[reg.name] = reg.open
    for dem in plan.demands:
        st.served[dem.name] = dict(dem.regions)
    for job in plan.jobs:
        st.jobs[job.name] = (job.region, job.node_type) if job.region and job.node_type else None
    return st
