"""PlanState -> Plan: every reported number recomputed by evaluate.py."""

from __future__ import annotations

from typing import Optional

import numpy as np

from suanli.compiler.ir import Program, Statement
from suanli.solver.evaluate import COST_PARTS, Evaluator, PlanState, edge_traffic
from suanli.solver.index import Index
from suanli.solver.plan import (
    Cost, DemandPlan, JobPlacement, JobPlan, LinkPlan, Plan, PlanWarning, RegionPlan, StatementResult,
    round_sig,
)
from suanli.solver.units import GBPS, HOUR, MS, MWH, TB, TCO2, TFLOPS
from suanli.tolerances import HOLDS_ABS, HOLDS_REL

PFLOP = 1e15
from suanli.compiler.ir import Metric
from suanli.diagnostics import NO_SPAN


def _metric(kind: str, **kw) -> Metric:
    return Metric(kind=kind, span=NO_SPAN, **kw)


def empty_plan(program: Program, status: str, solver: str, relaxed: bool,
               message: Optional[str] = None) -> Plan:
    return Plan(status=status, message=message, spec=program.root, scenario=program.scenario,
                solver=solver, relaxed=relaxed, objective=None,
                objective_unit=program.objective.dimension.unit or program.settings.currency,
                objective_sense=program.objective.sense, currency=program.settings.currency,
                horizon_h=program.settings.horizon / HOUR, cost=Cost(),
                warnings=compile_warnings(program))


def compile_warnings(program: Program) -> list[PlanWarning]:
    return [PlanWarning(code=w.code, message=w.message, location=str(w.span) if w.span else None)
            for w in program.warnings]


def build_plan(program: Program, state: PlanState, status: str, solver: str, relaxed: bool,
               gap: Optional[float] = None, ix: Optional[Index] = None) -> Plan:
    ev = Evaluator(program, state, ix)
    plan = empty_plan(program, status, solver, relaxed)
    costs = {p: ev.metric(_metric(f"cost.{p}")) for p in COST_PARTS}
    plan.cost = Cost(total=sum(costs.values()), **costs)
    plan.objective = ev.linexpr(program.objective.expr) / program.objective.dimension.unit_scale
    plan.gap = gap
    plan.energy_mwh = ev.metric(_metric("energy")) / MWH
    plan.renewable_energy_mwh = ev.metric(_metric("renewable_energy")) / MWH
    plan.carbon_tco2 = ev.metric(_metric("carbon")) / TCO2
    plan.regions = _regions(program, ev, relaxed)
    plan.demands = _demands(program, ev, relaxed)
    plan.jobs = _jobs(program, ev, relaxed)
    plan.links = _links(program, ev)
    plan.requires = [statement_result(ev, s) for s in program.statements if s.kind == "require"]
    plan.asserts = [statement_result(ev, s) for s in program.statements if s.kind == "assert"]
    return plan


def _regions(program: Program, ev: Evaluator, relaxed: bool = False) -> list[RegionPlan]:
    out = []
    energy = ev.region_energy()
    used = ev.work_used()
    ix = ev.ix
    for i, reg in enumerate(program.regions):
        counts = {t.name: _num(ev.n[i, k]) for k, t in enumerate(program.node_types) if ev.n[i, k] != 0}
        util = {}
        for cls in sorted({t.cls for k, t in enumerate(program.node_types) if ev.n[i, k] > 0}
                          | {c for (r, c) in used if r == reg.name}):
            util[cls] = ev.utilization(_metric("utilization", regions=(reg.name,),
                                               node_types=_types_of(program, cls)))
        is_open = state_open(program, ev.s, reg.name, bool(counts))
        out.append(RegionPlan(
            name=reg.name, open=is_open, nodes=counts,
            open_fraction=open_fraction(ev.s, reg.name, is_open) if relaxed else None,
            power_mw=float(ix.pue[i] * (ev.n[i] * ix.t_power).sum()) / 1e6,
            energy_mwh=float(energy[i]) / MWH,
            compute_tflops=float((ev.n[i] * ix.t_compute).sum()) / TFLOPS,
            storage_tb=float((ev.n[i] * ix.t_storage).sum()) / TB, utilization=util,
            memory_tb=float((ev.n[i] * ix.t_memory).sum()) / TB if uses_memory(program) else None))
    return out


def uses_memory(program: Program) -> bool:
    """§9: plans carry `memory_tb` only for specs with memory (older plans keep their bytes)."""
    return any(w.memory > 0 for w in (*program.node_types, *program.services, *program.jobs))


def uses_backups(program: Program) -> bool:
    return any(s.backups > 0 for s in program.services)


def state_open(program: Program, state: PlanState, region: str, has_nodes: bool) -> bool:
    """Sites: the open[r] decision (a relaxed plan's fraction > 0); other
    regions are open where nodes stand."""
    if region in state.open:
        return state.open[region] > 0
    return has_nodes


def open_fraction(state: PlanState, region: str, is_open: bool) -> float:
    """A relaxed plan's `open_fraction`: open[r] for sites, else 1/0 as `open`."""
    if region in state.open:
        return float(state.open[region])
    return 1.0 if is_open else 0.0


def main_placement(places):
    """The placement a relaxed JobPlan's region/node_type describe: the
    largest fraction (as written, 12 significant digits), ties by name."""
    if not places:
        return None
    return min(places, key=lambda p: (-round_sig(float(p[2])), p[0], p[1]))


def _types_of(program: Program, cls: str) -> tuple[str, ...]:
    return tuple(t.name for t in program.node_types if t.cls == cls)


def _num(v: float):
    """A node count: an int when it is whole at the plan's 12 significant digits, so
    1814.0000000000002 (LP noise) and 1814.0 print alike."""
    r = round_sig(float(v))
    return int(r) if float(r).is_integer() else r


def _demands(program: Program, ev: Evaluator, relaxed: bool = False) -> list[DemandPlan]:
    out = []
    for svc in program.services:
        lat = ev.latency(svc.name)
        plan = DemandPlan(name=svc.name, regions=dict(sorted(ev.s.served.get(svc.name, {}).items())),
                          latency_ms=None if lat is None else lat / MS)
        _demand_extras(program, ev, svc, plan, relaxed)
        out.append(plan)
    return out


def _demand_extras(program: Program, ev: Evaluator, svc, plan: DemandPlan, relaxed: bool) -> None:
    """§9 fields, only where the spec uses them: derived compute and backups."""
    if svc.token_rate is not None:
        plan.compute_tflops = svc.compute / TFLOPS
    if uses_backups(program):
        copies = ev.s.backups.get(svc.name, {})
        plan.backups = sorted(r for r, z in copies.items() if z > 0)
        if relaxed:
            plan.backup_fractions = dict(sorted(copies.items()))


def _jobs(program: Program, ev: Evaluator, relaxed: bool = False) -> list[JobPlan]:
    placed: dict[str, list] = {}
    for job, r, t, opt, frac in ev.job_items():
        placed.setdefault(job.name, []).append((r, t, frac, opt))
    out = []
    for job in program.jobs:
        places = sorted(placed.get(job.name, []), key=lambda p: (p[0], p[1]))
        r, t, _, opt = main_placement(places) or (None, None, None, None)
        lat = ev.latency(job.name)
        plan = JobPlan(name=job.name, region=r, node_type=t, nodes=opt.nodes if opt else None,
                       runtime_h=opt.runtime / HOUR if opt else None,
                       latency_ms=None if lat is None else lat / MS,
                       work_pflop=job.work / PFLOP if job.tokens is not None else None)
        if relaxed:
            plan.placements = [JobPlacement(region=pr, node_type=pt, fraction=pf, nodes=po.nodes,
                                            runtime_h=po.runtime / HOUR)
                               for pr, pt, pf, po in places if po is not None]
        out.append(plan)
    return out


def _links(program: Program, ev: Evaluator) -> list[LinkPlan]:
    traffic = edge_traffic(ev)
    out = []
    for k, link in enumerate(program.links):
        out.append(LinkPlan(a=link.a, b=link.b, latency_ms=link.latency / MS,
                            bandwidth_gbps=None if link.bandwidth is None else link.bandwidth / GBPS,
                            traffic_ab_gbps=traffic[2 * k] / GBPS, traffic_ba_gbps=traffic[2 * k + 1] / GBPS))
    return out


def tolerance(*values: Optional[float]) -> float:
    """1e-6 absolute (in the reported unit) + 1e-9 relative."""
    mag = max((abs(v) for v in values if v is not None), default=0.0)
    return HOLDS_ABS + HOLDS_REL * mag


def statement_result(ev: Evaluator, st: Statement) -> StatementResult:
    scale = st.dimension.unit_scale or 1.0
    div = lambda v: None if v is None else v / scale
    value = div(ev.expr(st.left))
    bound = div(ev.expr(st.right)) if st.op != "in" else None
    lower = div(ev.expr(st.lo)) if st.op == "in" else (bound if st.op in (">=", "==") else None)
    upper = div(ev.expr(st.hi)) if st.op == "in" else (bound if st.op in ("<=", "==") else None)
    slack = _slack(value, lower, upper)
    ok = holds(ev, st, value, lower, upper)
    res = StatementResult(name=st.name, policy=st.policy, location=str(st.span), op=st.op, value=value,
                          bound=bound, lower=lower, upper=upper, unit=st.dimension.unit, slack=slack,
                          advisory=st.advisory)
    if st.kind == "require":
        res.binding = slack is not None and slack <= tolerance(value, lower, upper) * 10
    else:
        res.passed = ok
    return res


def _slack(value, lower, upper) -> Optional[float]:
    if value is None:
        return None
    sides = [value - lower if lower is not None else None, upper - value if upper is not None else None]
    sides = [s for s in sides if s is not None]
    return min(sides) if sides else None


def holds(ev: Evaluator, st: Statement, value, lower, upper) -> bool:
    """A require holds when its linear rows do (A <= k*B also covers B = 0);
    an assert when its two sides compare, within tolerance."""
    if st.kind == "require" and st.rows:
        return all(row_holds(ev, st, row) for row in st.rows)
    if value is None:
        return False
    tol = tolerance(value, lower, upper)
    return (lower is None or value >= lower - tol) and (upper is None or value <= upper + tol)


def row_holds(ev: Evaluator, st: Statement, row) -> bool:
    """Tolerance in SI: 1e-6 of the statement's unit + 1e-9 of the sum of
    the magnitudes of the row's terms and bounds."""
    terms = [t.coef * ev.metric(t.metric) for t in row.expr.terms]
    v = row.expr.constant + sum(terms)
    mag = sum(abs(t) for t in terms) + abs(row.expr.constant)
    mag = max(mag, abs(row.lower or 0.0), abs(row.upper or 0.0))
    tol = HOLDS_ABS * (st.dimension.unit_scale or 1.0) + HOLDS_REL * mag
    if row.lower is not None and v < row.lower - tol:
        return False
    return not (row.upper is not None and v > row.upper + tol)
