"""The independent verifier: a plan re-checked against LANGUAGE.md §6.

Nothing here reads the LP. Decisions are taken from the plan (node counts,
sites, fractions, job placements); every constraint and every cost part is
recomputed from the Program and compared with the plan's numbers.

Tolerance: a check `lhs <= rhs` passes when
    lhs <= rhs + 1e-6 * U + 1e-9 * (|lhs| + |rhs|)
where U is the report unit of the quantity (1 TFLOPS sustained over the
horizon for compute work, 1 TB, 1 MW, 1 Gbps, 1 node, 1 unit of currency,
a fraction of 1); reported numbers must match recomputed ones within
1e-6 U + 1e-9 relative. Plans carry 12 significant digits, well inside that.

Relaxed plans (`relaxed: true`, from `--relax`) are checked against the same
§6 with every integer and binary relaxed, as the LP relaxation solved:
- node counts may be fractional (>= 0);
- sites: `open_fraction` (else `open` as 1/0) must lie in [0,1]. The site
  row n <= M*open cannot be checked without the LP's big-M, so the rule is
  only: open > 0 wherever nodes > 0;
- jobs: `placements` (else region/node_type with fraction 1) must each lie
  in [0,1], sum to 1, use a usable type in an allowed region, and satisfy
  parallelism per placement: n[r,t] >= N_jt * y[j,r,t];
- `split = false` services may be split (x[d,r] in [0,1]);
- every other check (capacities, storage, power, bandwidth, requires, costs,
  summaries) is the integer one, evaluated with the fractions as weights.
Integer plans must have binary sites and one whole placement per job.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.evaluate import COST_PARTS, Evaluator, PlanState, edge_traffic
from suanli.solver.extract import state_from_plan
from suanli.solver.index import Index
from suanli.solver.plan import Plan
from suanli.solver.report import main_placement, row_holds, state_open
from suanli.solver.verify_s9 import backup_need, check_backups, check_memory
from suanli.solver.units import GBPS, HOUR, MW, MWH, TB, TFLOPS
from suanli.solver.verify_reported import reported_numbers

ABS, REL = 1e-6, 1e-9


class Check(NamedTuple):
    """One check of a plan: `run(program, plan, state, evaluator)` -> violations.
    Each constraint family (solver/families/) names the ids of the checks that
    re-derive it; tests/test_families.py holds the two lists together."""

    id: str
    run: Callable


def _le(lhs: float, rhs: float, unit: float) -> bool:
    return lhs <= rhs + ABS * unit + REL * (abs(lhs) + abs(rhs))


def _close(a: float, b: float, unit: float = 1.0) -> bool:
    return abs(a - b) <= ABS * unit + REL * max(abs(a), abs(b))


def verify(program: Program, plan: Plan) -> list[str]:
    """Violations, as sentences in spec terms; [] when the plan is valid."""
    if program.years is not None:  # a multi-year build-out: year_verify.py
        from suanli.solver.year_verify import verify_years
        return verify_years(program, plan)
    if plan.status not in ("optimal", "feasible"):
        return [f"the plan has status {plan.status}: there is nothing to verify"]
    out = _check_names(program, plan)
    if out:
        return out
    ix = Index(program)
    state = state_from_plan(program, plan)
    ev = Evaluator(program, state, ix)
    for check in CHECKS:
        out.extend(check.run(program, plan, state, ev))
    return out


def _check_names(program: Program, plan: Plan) -> list[str]:
    out = []
    regions, types = {r.name for r in program.regions}, {t.name for t in program.node_types}
    for reg in plan.regions:
        if reg.name not in regions:
            out.append(f"unknown region {reg.name!r} in the plan")
        out += [f"unknown node type {t!r} in region {reg.name}" for t in reg.nodes if t not in types]
    services = {s.name for s in program.services}
    for dem in plan.demands:
        out += [f"demand {dem.name} served in unknown region {r!r}" for r in dem.regions if r not in regions]
    out += [f"demand {n} is missing from the plan" for n in services - {d.name for d in plan.demands}]
    out += [f"job {n} is missing from the plan" for n in {j.name for j in program.jobs} - {j.name for j in plan.jobs}]
    for job in plan.jobs:
        if job.region is not None and job.region not in regions:
            out.append(f"job {job.name} placed in unknown region {job.region!r}")
        if job.node_type is not None and job.node_type not in types:
            out.append(f"job {job.name} uses unknown node type {job.node_type!r}")
        for p in job.placements or ():
            if p.region not in regions:
                out.append(f"job {job.name} placed in unknown region {p.region!r}")
            if p.node_type not in types:
                out.append(f"job {job.name} uses unknown node type {p.node_type!r}")
    return out


def _nodes(program, plan, state, ev):
    out = []
    for (r, t), v in sorted(state.nodes.items()):
        nt = program.node_type(t)
        if v < -ABS:
            out.append(f"negative node count {v} of {t} in {r}")
        if not plan.relaxed and abs(v - round(v)) > ABS:
            out.append(f"node count {v} of {t} in {r} is not an integer")
        if v > ABS and r not in nt.regions:
            out.append(f"{t} may not be built in {r} but the plan has {v}")
        if nt.max_per_region is not None and not _le(v, nt.max_per_region, 1.0):
            out.append(f"{v} nodes of {t} in {r} exceed max_per_region {nt.max_per_region}")
    return out


def _services(program, plan, state, ev):
    out = []
    for svc in program.services:
        fr = state.served.get(svc.name, {})
        total = sum(fr.values())
        if not _close(total, 1.0):
            out.append(f"demand {svc.name} is served {total:.9g} of the way (must be exactly 1)")
        for r, v in sorted(fr.items()):
            if v < -ABS:
                out.append(f"demand {svc.name} has a negative fraction {v} in {r}")
            if r not in svc.allowed_regions and abs(v) > ABS:
                out.append(f"demand {svc.name} is served in {r}, which is not an allowed region")
        used = [r for r, v in fr.items() if abs(v) > ABS]
        if not svc.split and not plan.relaxed and (len(used) != 1 or not _close(fr[used[0]], 1.0)):
            out.append(f"demand {svc.name} has split = false but is served in {sorted(used)}")
    return out


def _jobs(program, plan, state, ev):
    out = []
    for job in program.jobs:
        places = state.jobs.get(job.name) or []
        if not places:
            out.append(f"job {job.name} is not placed")
            continue
        total = sum(frac for _, _, frac in places)
        if not _close(total, 1.0):
            out.append(f"job {job.name} is placed {total:.9g} of the way (its fractions must sum to 1)")
        seen = set()
        for r, t, frac in places:
            if (r, t) in seen:
                out.append(f"job {job.name} lists its placement on {t} in {r} twice")
            seen.add((r, t))
            if frac < -ABS or frac > 1 + ABS:
                out.append(f"job {job.name} has fraction {frac} on {t} in {r}, outside [0, 1]")
            elif not plan.relaxed and abs(frac - round(frac)) > ABS:
                out.append(f"job {job.name} has fraction {frac} on {t} in {r}, but the plan is not "
                           "relaxed: a job runs whole in one region on one node type")
            opt = next((o for o in job.options if o.node_type == t), None)
            if opt is None:
                out.append(f"job {job.name} runs on {t}, which is not a usable node type for it")
                continue
            if r not in job.allowed_regions:
                out.append(f"job {job.name} runs in {r}, which is not an allowed region")
            have = state.nodes.get((r, t), 0.0)
            if not _le(opt.nodes * frac, have, 1.0):
                need = f"{opt.nodes}" if frac == 1.0 else f"{opt.nodes * frac:.9g} ({frac:.9g} of {opt.nodes})"
                out.append(f"job {job.name} needs {need} nodes of {t} in {r}; the plan has {have}")
    for pj in plan.jobs:
        opt = next((o for j in program.jobs if j.name == pj.name for o in j.options
                    if o.node_type == pj.node_type), None)
        if opt is not None and pj.nodes != opt.nodes:
            out.append(f"job {pj.name} reports {pj.nodes} nodes; Amdahl sizing gives {opt.nodes}")
        if pj.placements is not None:
            out += _placements(program, pj)
    return out


def _placements(program, pj) -> list[str]:
    """A relaxed JobPlan: region/node_type name the largest placement, and
    each placement reports its own Amdahl sizing."""
    out = []
    main = main_placement([(p.region, p.node_type, p.fraction) for p in pj.placements])
    want = (main[0], main[1]) if main else (None, None)
    if (pj.region, pj.node_type) != want:
        out.append(f"job {pj.name} reports {pj.node_type} in {pj.region}; its largest placement is "
                   f"{want[1]} in {want[0]}")
    job = next((j for j in program.jobs if j.name == pj.name), None)
    for p in pj.placements:
        opt = next((o for o in job.options if o.node_type == p.node_type), None) if job else None
        if opt is None:
            continue
        if p.nodes != opt.nodes:
            out.append(f"job {pj.name} reports {p.nodes} nodes of {p.node_type} in {p.region}; "
                       f"Amdahl sizing gives {opt.nodes}")
        if not _close(p.runtime_h, opt.runtime / HOUR):
            out.append(f"job {pj.name} reports a runtime of {p.runtime_h} h on {p.node_type}; "
                       f"Amdahl sizing gives {opt.runtime / HOUR:.9g} h")
    return out


def _compute(program, plan, state, ev):
    H, u = program.settings.horizon, program.settings.utilization
    out = []
    for (r, cls), work in sorted(ev.work_used().items()):
        i = ev.ix.region_ix[r]
        cap = u * H * sum(ev.n[i, k] * t.compute for k, t in enumerate(program.node_types) if t.cls == cls)
        if not _le(work, cap, TFLOPS * H):
            out.append(f"{cls} compute in {r}: work {work / H / TFLOPS:.9g} TFLOPS sustained exceeds "
                       f"u*installed {cap / H / TFLOPS:.9g} TFLOPS")
    return out


def _storage(program, plan, state, ev):
    need: dict[str, float] = {}
    for svc, r, frac in ev.service_items():
        need[r] = need.get(r, 0.0) + svc.storage * frac
    for job, r, _, _, frac in ev.job_items():
        need[r] = need.get(r, 0.0) + job.storage * frac
    for r, v in backup_need(program, state).items():  # §9: each backup copy holds storage
        need[r] = need.get(r, 0.0) + v
    out = []
    for r, v in sorted(need.items()):
        have = float((ev.n[ev.ix.region_ix[r]] * ev.ix.t_storage).sum())
        if not _le(v, have, TB):
            out.append(f"storage in {r}: {v / TB:.9g} TB needed, {have / TB:.9g} TB installed")
    return out


def _caps(program, plan, state, ev):
    out = []
    for i, reg in enumerate(program.regions):
        power = float(reg.pue * (ev.n[i] * ev.ix.t_power).sum())
        if reg.power_cap is not None and not _le(power, reg.power_cap, MW):
            out.append(f"power in {reg.name}: {power / MW:.9g} MW exceeds power_cap {reg.power_cap / MW:.9g} MW")
        count = float(ev.n[i].sum())
        if reg.max_nodes is not None and not _le(count, reg.max_nodes, 1.0):
            out.append(f"{count:.9g} nodes in {reg.name} exceed max_nodes {reg.max_nodes}")
    return out


def _sites(program, plan, state, ev):
    """Integer plans: n > 0 needs open = 1. Relaxed plans: n <= M*open needs
    the LP's big-M, so only open > 0 wherever n > 0 is checked."""
    out = []
    for i, reg in enumerate(program.regions):
        if reg.site_cost <= 0:
            continue
        v = float(state.open.get(reg.name, 0.0))
        if v < -ABS or v > 1 + ABS:
            out.append(f"{reg.name} has open fraction {v}, outside [0, 1]")
        elif not plan.relaxed and abs(v - round(v)) > ABS:
            out.append(f"{reg.name} has open fraction {v}, but the plan is not relaxed: a site is open or not")
        if ev.n[i].sum() > ABS and not v > 0:
            out.append(f"{reg.name} has nodes but its site is not open (site_cost {reg.site_cost:.9g})")
    for preg in plan.regions:
        # "open where nodes stand" = a non-zero count in the plan, as report.py writes it
        # (a relaxed LP may leave 1e-8 nodes somewhere; integer counts are unaffected)
        has = any(v != 0 for v in preg.nodes.values())
        if preg.open != state_open(program, state, preg.name, has):
            out.append(f"region {preg.name} reports open = {preg.open}, inconsistent with its nodes")
        if (preg.open_fraction is not None and preg.name not in state.open
                and preg.open_fraction != (1.0 if preg.open else 0.0)):
            out.append(f"region {preg.name} has no site cost; its open_fraction {preg.open_fraction} "
                       f"must be {1 if preg.open else 0} (as open = {preg.open})")
    return out


def _bandwidth(program, plan, state, ev):
    traffic = edge_traffic(ev)
    out = []
    for e, (k, a, b) in enumerate(ev.ix.edges):
        cap = ev.ix.edge_bandwidth[e]
        if np.isfinite(cap) and not _le(traffic[e], cap, GBPS):
            out.append(f"link {a} -> {b}: {traffic[e] / GBPS:.9g} Gbps exceeds bandwidth {cap / GBPS:.9g} Gbps")
    return out


def _requires(program, plan, state, ev):
    return [f"require {st.name} ({st.span}) does not hold"
            for st in program.statements
            if st.kind == "require" and not all(row_holds(ev, st, row) for row in st.rows)]


def _costs(program, plan, state, ev):
    out = []
    from suanli.solver.report import _metric

    parts = {p: ev.metric(_metric(f"cost.{p}")) for p in COST_PARTS}
    parts["total"] = sum(parts.values())
    for name, value in parts.items():
        reported = getattr(plan.cost, name)
        if reported is None or not _close(reported, value):
            out.append(f"cost.{name}: the plan says {reported}, recomputed {value:.9g} {program.settings.currency}")
    obj = ev.linexpr(program.objective.expr) / program.objective.dimension.unit_scale
    if plan.objective is None or not _close(plan.objective, obj):
        out.append(f"objective: the plan says {plan.objective}, recomputed {obj:.9g}")
    return out


def _summaries(program, plan, state, ev):
    out = []
    energy = ev.region_energy()
    for preg in plan.regions:
        i = ev.ix.region_ix[preg.name]
        want = {"power_mw": program.regions[i].pue * float((ev.n[i] * ev.ix.t_power).sum()) / MW,
                "energy_mwh": float(energy[i]) / MWH,
                "compute_tflops": float((ev.n[i] * ev.ix.t_compute).sum()) / TFLOPS,
                "storage_tb": float((ev.n[i] * ev.ix.t_storage).sum()) / TB}
        for key, v in want.items():
            if not _close(getattr(preg, key), v):
                out.append(f"region {preg.name}: {key} is {getattr(preg, key)}, recomputed {v:.9g}")
    return out


CHECKS: tuple[Check, ...] = (
    Check("nodes", _nodes), Check("services", _services), Check("jobs", _jobs), Check("compute", _compute),
    Check("storage", _storage), Check("caps", _caps), Check("sites", _sites), Check("bandwidth", _bandwidth),
    Check("requires", _requires), Check("costs", _costs), Check("summaries", _summaries),
    Check("memory", check_memory), Check("backups", check_backups), Check("reported", reported_numbers))
