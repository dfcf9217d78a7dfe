"""Decisions -> multi-year Plan (LANGUAGE.md §8): one entry per year, totals on top."""

from __future__ import annotations

from typing import Optional

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.evaluate import COST_PARTS, PlanState
from suanli.solver.extract import state_from_solution
from suanli.solver.plan import Cost, Plan, YearPlan, YearRegionPlan
from suanli.solver.report import _metric, build_plan, statement_result
from suanli.solver.units import HOUR, MWH, TCO2
from suanli.solver.year_costs import Builds, evaluators
from suanli.solver.years import YearLayout
from suanli.tolerances import ZERO


class _YearView:
    """What extract.state_from_solution reads of a SparseProgram, for one year."""

    def __init__(self, families, relaxed: bool):
        self.families_, self.relaxed = families, relaxed

    def family(self, kind: str):
        return next(f for f in self.families_ if f.kind == kind)


def decisions(layout: YearLayout, x: np.ndarray, relaxed: bool):
    """Per year: the PlanState and the builds b[r,t,y], from the solution vector."""
    states, builds = [], []
    regions = [r.name for r in layout.program.regions]
    types = [t.name for t in layout.program.node_types]
    for k, block in enumerate(layout.blocks):
        states.append(state_from_solution(block.program, _YearView(block.families, relaxed), x))
        bv = x[layout.b(k)]
        built: Builds = {}
        for i in np.flatnonzero(bv > ZERO).tolist():
            value = float(bv[i]) if relaxed else int(round(bv[i]))
            built[(regions[layout.n_r[i]], types[layout.n_t[i]])] = value
        builds.append(built)
    return states, builds


def build_year_plan(top: Program, states: list[PlanState], builds: list[Builds], status: str,
                    solver: str, relaxed: bool, gap: Optional[float]) -> Plan:
    year_evs, totals = evaluators(top, states, builds)
    entries, last = [], None
    for k, year in enumerate(top.years.years):
        prog = top.years.programs[k]
        single = build_plan(prog, states[k], status, solver, relaxed, gap)
        ev = year_evs[k]
        parts = ev.parts()
        entries.append(YearPlan(
            year=year, discount_factor=top.years.discount(year),
            cost=Cost(total=sum(parts.values()), **parts),
            energy_mwh=single.energy_mwh, renewable_energy_mwh=single.renewable_energy_mwh,
            carbon_tco2=single.carbon_tco2,
            regions=[YearRegionPlan(**r.model_dump(), builds=_builds_in(builds[k], r.name))
                     for r in single.regions],
            demands=single.demands, jobs=single.jobs, links=single.links))
        last = single
    plan = last.model_copy()
    plan.spec, plan.scenario = top.root, top.scenario
    plan.objective_unit = top.objective.dimension.unit or top.settings.currency
    plan.objective_sense = top.objective.sense
    plan.horizon_h = len(top.years.years) * top.settings.horizon / HOUR
    costs = {p: totals.metric(_metric(f"cost.{p}")) for p in COST_PARTS}
    plan.cost = Cost(total=sum(costs.values()), **costs)
    plan.objective = totals.linexpr(top.objective.expr) / top.objective.dimension.unit_scale
    plan.energy_mwh = totals.metric(_metric("energy")) / MWH
    plan.renewable_energy_mwh = totals.metric(_metric("renewable_energy")) / MWH
    plan.carbon_tco2 = totals.metric(_metric("carbon")) / TCO2
    plan.requires = [statement_result(_ev(st, year_evs, totals, top), st)
                     for st in top.statements if st.kind == "require"]
    plan.asserts = [statement_result(_ev(st, year_evs, totals, top), st)
                    for st in top.statements if st.kind == "assert"]
    plan.years = entries
    return plan


def _ev(st, year_evs, totals, top: Program):
    return totals if st.year is None else year_evs[st.year - top.years.first]


def _builds_in(builds: Builds, region: str) -> dict:
    return {t: v for (r, t), v in sorted(builds.items()) if r == region}
