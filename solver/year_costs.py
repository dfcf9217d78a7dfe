"""Costs and metrics of a multi-year plan, from its decisions (LANGUAGE.md §8).

Never the LP: the year-by-year builds b, the node counts n, the open sites
and the placements are what a plan file holds, and every cost here is
re-derived from them, so `solve` and `verify` check the lowering.

- capex of year y: sum over builds b[r,t,q] with q <= y < q + L_t(q) of
  capex_t(q) / L_t(q) (straight line; nothing after the last year);
- site: site_cost in money/time paid each open year; plain money paid once,
  in the year the site opens (open[r,y] - open[r,y-1]);
- opex, energy, network, carbon: section 6 with H = 1 year and that year's
  values (evaluate.py on the year's single-period program);
- totals: cost parts discounted by 1/(1+rate)^(y-first); energy,
  renewable_energy and carbon plain sums.
"""

from __future__ import annotations

from typing import Optional

from suanli.compiler.ir import Metric, Program
from suanli.compiler.units import YEAR
from suanli.diagnostics import NO_SPAN as _NO_SPAN
from suanli.solver.evaluate import COST_PARTS, Evaluator, PlanState

Builds = dict[tuple[str, str], float]  # (region, type) -> nodes built that year


def lifetimes(program: Program) -> dict[str, int]:
    """L_t in whole years, per node type."""
    return {t.name: round(t.lifetime / float(YEAR)) for t in program.node_types}


def capex_of_year(top: Program, builds: list[Builds], k: int) -> float:
    total = 0.0
    for q in range(k + 1):
        prog = top.years.programs[q]
        life, capex = lifetimes(prog), {t.name: t.capex for t in prog.node_types}
        for (_, t), count in builds[q].items():
            if k - q < life[t]:
                total += count * capex[t] / life[t]
    return total


def site_of_year(top: Program, states: list[PlanState], k: int) -> float:
    prog = top.years.programs[k]
    total = 0.0
    for i, region in enumerate(prog.regions):
        if region.site_cost <= 0:
            continue
        now = float(states[k].open.get(region.name, 0.0))
        if top.years.site_once[i]:
            before = float(states[k - 1].open.get(region.name, 0.0)) if k > 0 else 0.0
            total += region.site_cost * max(0.0, now - before)
        else:
            total += region.site_cost * now
    return total


class YearEvaluator(Evaluator):
    """Evaluator of one year whose capex and site follow §8."""

    def __init__(self, top: Program, k: int, states: list[PlanState], builds: list[Builds]):
        super().__init__(top.years.programs[k], states[k])
        self.capex = capex_of_year(top, builds, k)
        self.site = site_of_year(top, states, k)

    def metric(self, m: Metric) -> Optional[float]:
        if m.kind == "cost":
            return sum(self.metric(m.model_copy(update={"kind": f"cost.{p}"})) for p in COST_PARTS)
        if m.kind == "cost.capex":
            return self.capex
        if m.kind == "cost.site":
            return self.site
        return super().metric(m)

    def parts(self) -> dict[str, float]:
        return {p: self.metric(Metric(kind=f"cost.{p}", span=_NO_SPAN)) for p in COST_PARTS}


class TotalsEvaluator(Evaluator):
    """Totals over the years: cost parts discounted, energy and carbon plain sums."""

    def __init__(self, top: Program, years: list[YearEvaluator]):
        self.p, self.years, self.top = top, years, top
        self.factors = [top.years.discount(y) for y in top.years.years]

    def metric(self, m: Metric) -> Optional[float]:
        values = [ev.metric(m) for ev in self.years]
        if any(v is None for v in values):
            return None
        if m.kind == "cost" or m.kind.startswith("cost."):
            return sum(f * v for f, v in zip(self.factors, values))
        return sum(values)


def evaluators(top: Program, states: list[PlanState], builds: list[Builds]):
    years = [YearEvaluator(top, k, states, builds) for k in range(len(states))]
    return years, TotalsEvaluator(top, years)

