"""The independent verifier of a multi-year plan (LANGUAGE.md §8).

Decisions come from the plan file only: per year, the node counts, builds,
open sites, fractions and job placements. Checked:
- every year satisfies constraints 1-7 of §6 with that year's values (the
  single-period checks of verify.py on the year's program and entry);
- installed = builds still standing: n[r,t,y] = sum of b[r,t,q] with
  q <= y < q + L_t(q); no build before a type's `available` year;
- a site once opened stays open;
- every `require` in its year (or on totals);
- each year's cost parts, discount factor, energy and carbon, and the
  discounted totals and objective, recomputed (year_costs.py).
"""

from __future__ import annotations

from suanli.compiler.ir import Program
from suanli.solver import verify as V
from suanli.solver.evaluate import COST_PARTS, Evaluator
from suanli.solver.extract import state_from_plan
from suanli.solver.index import Index
from suanli.solver.plan import Cost, Plan
from suanli.solver.report import _metric, row_holds
from suanli.solver.units import MWH, TCO2
from suanli.solver.year_costs import evaluators, lifetimes

# the single-period checks that hold in each year (requires, costs and reported numbers are
# checked over the years below)
YEAR_CHECKS = tuple(c for c in V.CHECKS if c.id not in ("requires", "costs", "reported"))


def verify_years(program: Program, plan: Plan) -> list[str]:
    if plan.status not in ("optimal", "feasible"):
        return [f"the plan has status {plan.status}: there is nothing to verify"]
    axis = program.years
    got = [e.year for e in plan.years or []]
    if got != list(axis.years):
        return [f"the plan's years are {got}, the spec's {list(axis.years)}"]
    out, states, builds = [], [], []
    for k, entry in enumerate(plan.years):
        prog = axis.programs[k]
        sub = _single(plan, entry)
        problems = V._check_names(prog, sub)
        if problems:
            out += [f"{entry.year}: {p}" for p in problems]
            continue
        state = state_from_plan(prog, sub)
        ev = Evaluator(prog, state, Index(prog))
        for check in YEAR_CHECKS:
            out += [f"{entry.year}: {p}" for p in check.run(prog, sub, state, ev)]
        states.append(state)
        builds.append({(r.name, t): float(v) for r in entry.regions for t, v in r.builds.items()})
    if out:
        return out
    for check in OVER_YEARS:
        out += check.run(program, plan, states, builds)
    return out + _costs_and_statements(program, plan, states, builds)


def plan_evaluators(program: Program, plan: Plan):
    """(per-year evaluators, totals evaluator) of a multi-year plan, from its own
    decisions (node counts, opens, fractions and builds of each year entry)."""
    states, builds = [], []
    for k, entry in enumerate(plan.years or []):
        prog = program.years.programs[k]
        states.append(state_from_plan(prog, _single(plan, entry)))
        builds.append({(r.name, t): float(v) for r in entry.regions for t, v in r.builds.items()})
    return evaluators(program, states, builds)


def _single(plan: Plan, entry) -> Plan:
    regions = [r.model_dump(exclude={"builds"}) for r in entry.regions]
    return Plan.model_validate({**plan.model_dump(exclude={"years"}), "regions": regions,
                                "demands": [d.model_dump() for d in entry.demands],
                                "jobs": [j.model_dump() for j in entry.jobs],
                                "links": [lk.model_dump() for lk in entry.links]})


def _installed(program: Program, plan: Plan, states, builds) -> list[str]:
    axis, out = program.years, []
    avail = dict(zip((t.name for t in program.node_types), axis.available))
    for k, entry in enumerate(plan.years):
        for (r, t), count in builds[k].items():
            if count < -V.ABS or (not plan.relaxed and abs(count - round(count)) > V.ABS):
                out.append(f"{entry.year}: builds of {t} in {r} are {count}, not a whole number >= 0")
            if count > V.ABS and entry.year < avail.get(t, axis.first):
                out.append(f"{entry.year}: {t} built in {r} before it is available ({avail[t]})")
        standing = _standing(program, builds, k)
        for reg in entry.regions:
            for t in set(reg.nodes) | {t for (r, t) in standing if r == reg.name}:
                want = standing.get((reg.name, t), 0.0)
                if not V._close(float(reg.nodes.get(t, 0)), want):
                    out.append(f"{entry.year}: {reg.nodes.get(t, 0)} {t} in {reg.name}, but the builds "
                               f"still standing add up to {want:.9g}")
    return out


def _standing(program: Program, builds, k: int) -> dict:
    out: dict = {}
    for q in range(k + 1):
        life = lifetimes(program.years.programs[q])
        for (r, t), count in builds[q].items():
            if k - q < life[t]:
                out[(r, t)] = out.get((r, t), 0.0) + count
    return out


def _sites_stay_open(program: Program, plan: Plan, states, builds) -> list[str]:
    out = []
    for k in range(1, len(states)):
        for region, before in states[k - 1].open.items():
            if region in states[k].open and states[k].open[region] < before - V.ABS:
                out.append(f"{program.years.first + k}: site {region} closes after it opened")
    return out


# checks over the years: run(program, plan, per-year states, per-year builds) -> violations
OVER_YEARS = (V.Check("installed", _installed), V.Check("stay_open", _sites_stay_open))


def _costs_and_statements(program: Program, plan: Plan, states, builds) -> list[str]:
    year_evs, totals = evaluators(program, states, builds)
    out = []
    for k, entry in enumerate(plan.years):
        ev = year_evs[k]
        out += _compare_cost(f"{entry.year}: cost", entry.cost, ev, program)
        factor = program.years.discount(entry.year)
        if not V._close(entry.discount_factor, factor):
            out.append(f"{entry.year}: discount_factor {entry.discount_factor}, recomputed {factor:.12g}")
        for key, kind, unit in (("energy_mwh", "energy", MWH), ("carbon_tco2", "carbon", TCO2)):
            want = ev.metric(_metric(kind)) / unit
            if not V._close(getattr(entry, key), want):
                out.append(f"{entry.year}: {key} is {getattr(entry, key)}, recomputed {want:.9g}")
    out += _compare_cost("cost", plan.cost, totals, program)
    obj = totals.linexpr(program.objective.expr) / program.objective.dimension.unit_scale
    if plan.objective is None or not V._close(plan.objective, obj):
        out.append(f"objective: the plan says {plan.objective}, recomputed {obj:.9g}")
    for st in program.statements:
        ev = totals if st.year is None else year_evs[st.year - program.years.first]
        if st.kind == "require" and not all(row_holds(ev, st, row) for row in st.rows):
            out.append(f"require {st.name} ({st.span}) does not hold")
    return out


def _compare_cost(what: str, cost: Cost, ev, program: Program) -> list[str]:
    parts = {p: ev.metric(_metric(f"cost.{p}")) for p in COST_PARTS}
    parts["total"] = sum(parts.values())
    out = []
    for name, value in parts.items():
        reported = getattr(cost, name)
        if reported is None or not V._close(reported, value):
            out.append(f"{what}.{name}: the plan says {reported}, recomputed {value:.9g} "
                       f"{program.settings.currency}")
    return out
