"""Metrics evaluated on a plan, straight from LANGUAGE.md §6 -- never the LP.

`PlanState` holds only the decisions (node counts, open sites, service
fractions, job placements); everything else is recomputed here. `solve`
reports these numbers, `verify` re-derives them from a plan file, and the
LP's own objective is compared against them as a cross-check.

Relaxed plans (`--relax`) are first-class: `open[r]` and the job placements
y[j,r,t] are fractions in [0,1] (1.0 / 0.0 and a single placement of 1.0 in
an integer plan), and every use weighs by them: site cost site_cost*open,
compute E_jt*y, storage, bandwidth data/deadline*y, network data*kappa*y,
served(job, sel) = sum of y over the selection, latency(job) = the largest
latency of a region with y > 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

import numpy as np

from suanli.compiler.ir import ExprNode, LinExpr, Metric, Program
from suanli.solver.index import Index
from suanli.tolerances import ZERO

COST_PARTS = ("site", "capex", "opex", "energy", "network", "carbon")


@dataclass
class PlanState:
    nodes: dict[tuple[str, str], float] = field(default_factory=dict)  # (region, type) -> n
    open: dict[str, float] = field(default_factory=dict)  # site regions only: open[r] in [0,1]
    served: dict[str, dict[str, float]] = field(default_factory=dict)  # service -> region -> x
    # job -> [(region, type, y)], y in (0,1]; [] when not placed; one (r, t, 1.0) in integer plans
    jobs: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)
    backups: dict[str, dict[str, float]] = field(default_factory=dict)  # §9: demand -> region -> z


class Evaluator:
    def __init__(self, program: Program, state: PlanState, ix: Optional[Index] = None):
        self.p, self.s = program, state
        self.ix = ix or Index(program)
        self.H = program.settings.horizon

    # ---- node arrays ------------------------------------------------------
    @cached_property
    def n(self) -> np.ndarray:
        arr = np.zeros((len(self.p.regions), len(self.p.node_types)))
        for (r, t), v in self.s.nodes.items():
            arr[self.ix.region_ix[r], self.ix.type_ix[t]] = v
        return arr

    def _rmask(self, names) -> np.ndarray:
        m = np.zeros(len(self.p.regions), dtype=bool)
        m[[self.ix.region_ix[n] for n in names] if names is not None else slice(None)] = True
        return m

    def _tmask(self, names) -> np.ndarray:
        m = np.zeros(len(self.p.node_types), dtype=bool)
        m[[self.ix.type_ix[n] for n in names] if names is not None else slice(None)] = True
        return m

    def _node_sum(self, m: Metric, per_type: np.ndarray, per_region: Optional[np.ndarray] = None) -> float:
        sel = self._rmask(m.regions)[:, None] & self._tmask(m.node_types)[None, :]
        weights = per_type[None, :] * (per_region[:, None] if per_region is not None else 1.0)
        return float((self.n * weights * sel).sum())

    def region_energy(self) -> np.ndarray:
        """J per region over the horizon: pue * nameplate power * H."""
        return self.ix.pue * (self.n * self.ix.t_power[None, :]).sum(axis=1) * self.H

    # ---- placements -------------------------------------------------------
    # The state never changes under an Evaluator, so placements and the work
    # they place are listed once (a plan has one entry per served region).
    @cached_property
    def _service_list(self) -> list:
        served = self.s.served
        return [(svc, r, frac) for svc in self.p.services
                for r, frac in sorted(served.get(svc.name, {}).items())]

    @cached_property
    def _job_list(self) -> list:
        out = []
        for job in self.p.jobs:
            places = self.s.jobs.get(job.name)
            if not places:
                continue
            opts = {}
            for o in job.options:  # the first option of a type, as `next(...)` finds it
                opts.setdefault(o.node_type, o)
            out += [(job, r, t, opts.get(t), frac) for r, t, frac in places]
        return out

    def service_items(self):
        return iter(self._service_list)

    def job_items(self):
        """(job, region, node type, option or None, fraction y) per placement."""
        return iter(self._job_list)

    # ---- metrics ------------------------------------------------------------
    def metric(self, m: Metric) -> Optional[float]:
        k, ix = m.kind, self.ix
        if k == "cost":
            return sum(self.metric(m.model_copy(update={"kind": f"cost.{p}"})) for p in COST_PARTS)
        energy = ix.pue * self.H
        table = {
            "nodes": lambda: self._node_sum(m, np.ones(len(self.p.node_types))),
            "compute": lambda: self._node_sum(m, ix.t_compute),
            "storage": lambda: self._node_sum(m, ix.t_storage),
            "memory": lambda: self._node_sum(m, ix.t_memory),
            "power": lambda: self._node_sum(m, ix.t_power, ix.pue),
            "energy": lambda: self._node_sum(m, ix.t_power, energy),
            "carbon": lambda: self._node_sum(m, ix.t_power, energy * ix.carbon_intensity),
            "renewable_energy": lambda: self._node_sum(m, ix.t_power, energy * ix.renewable),
            "cost.energy": lambda: self._node_sum(m, ix.t_power, energy * ix.power_price),
            "cost.carbon": lambda: self.p.settings.carbon_price * self._node_sum(
                m, ix.t_power, energy * ix.carbon_intensity),
            "cost.capex": lambda: self._node_sum(m, np.array(
                [t.capex * self.H / t.lifetime for t in self.p.node_types])),
            "cost.opex": lambda: self._node_sum(m, np.array([t.opex * self.H for t in self.p.node_types])),
            "cost.site": lambda: self._site(m),
            "cost.network": lambda: self._network(m),
            "served": lambda: self._served(m),
            "utilization": lambda: self.utilization(m),
            "latency": lambda: self.latency(m.target),
        }
        return table[k]()

    def _site(self, m: Metric) -> float:
        mask = self._rmask(m.regions)
        return float(sum(r.site_cost * float(self.s.open.get(r.name, 0.0))
                         for i, r in enumerate(self.p.regions) if mask[i] and r.site_cost > 0))

    def _network(self, m: Metric) -> float:
        mask, total = self._rmask(m.regions), 0.0
        for svc, r, frac in self.service_items():
            if mask[self.ix.region_ix[r]] and svc.traffic > 0:
                total += svc.traffic * self.H * self.ix.path(svc.origin, r).cost * frac
        for job, r, _, _, frac in self.job_items():
            if mask[self.ix.region_ix[r]] and job.data > 0:
                total += job.data * self.ix.path(job.origin, r).cost * frac
        return total

    def _served(self, m: Metric) -> float:
        mask = self._rmask(m.regions)
        if m.target in self.ix.service_ix:
            fr = self.s.served.get(m.target, {})
            return float(sum(v for r, v in fr.items() if mask[self.ix.region_ix[r]]))
        return float(sum(frac for r, t, frac in self.s.jobs.get(m.target) or ()
                         if mask[self.ix.region_ix[r]] and (m.node_types is None or t in m.node_types)))

    def work_used(self) -> dict[tuple[str, str], float]:
        """(region, class) -> compute work placed there over the horizon, FLOP
        (computed once; do not modify the returned dict)."""
        return self._work_used

    @cached_property
    def _work_used(self) -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = {}
        for svc, r, frac in self.service_items():
            out[(r, svc.cls)] = out.get((r, svc.cls), 0.0) + svc.compute * self.H * frac
        for job, r, _, opt, frac in self.job_items():
            if opt is not None:
                out[(r, job.cls)] = out.get((r, job.cls), 0.0) + opt.consumed * frac
        return out

    def utilization(self, m: Metric) -> Optional[float]:
        """Work placed in the selection / (H * installed compute there)."""
        rmask, tmask = self._rmask(m.regions), self._tmask(m.node_types)
        classes = {t.cls for i, t in enumerate(self.p.node_types) if tmask[i]}
        cap = self.H * float((self.n * self.ix.t_compute[None, :] * rmask[:, None] * tmask[None, :]).sum())
        used = sum(w for (r, c), w in self.work_used().items()
                   if rmask[self.ix.region_ix[r]] and c in classes)
        return used / cap if cap > 0 else None

    def latency(self, target: Optional[str]) -> Optional[float]:
        """Largest latency from the origin to a region it is served from, s;
        0 without an origin; None when it is not placed at all."""
        if target in self.ix.service_ix:
            svc = self.p.services[self.ix.service_ix[target]]
            regions = [r for r, v in self.s.served.get(target, {}).items() if v > ZERO]
            origin = svc.origin
        else:
            job = self.p.jobs[self.ix.job_ix[target]]
            regions = [r for r, _, frac in self.s.jobs.get(target) or () if frac > ZERO]
            origin = job.origin
        if not regions:
            return None
        return max(self.ix.path(origin, r).latency for r in regions)

    # ---- expressions ----------------------------------------------------------
    def linexpr(self, e: LinExpr) -> float:
        return e.constant + sum(t.coef * self.metric(t.metric) for t in e.terms)

    def expr(self, node: Optional[ExprNode]) -> Optional[float]:
        if node is None:
            return None
        if node.op == "const":
            return node.value
        if node.op == "metric":
            return self.metric(node.metric)
        vals = [self.expr(a) for a in node.args]
        if any(v is None for v in vals):
            return None
        return _apply(node.op, vals)


def _apply(op: str, vals: list[float]) -> Optional[float]:
    if op == "neg":
        return -vals[0]
    a, b = vals[0], vals[1]
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / b if b != 0 else None
    raise ValueError(f"unknown expression op {op!r}")


def edge_traffic(ev: Evaluator) -> np.ndarray:
    """B/s per directed edge (see Index.edges)."""
    out = np.zeros(len(ev.ix.edges))
    for svc, r, frac in ev.service_items():
        if svc.traffic > 0:
            for e in ev.ix.path(svc.origin, r).edges:
                out[e] += svc.traffic * frac
    for job, r, _, _, frac in ev.job_items():
        if job.data > 0:
            for e in ev.ix.path(job.origin, r).edges:
                out[e] += job.data / job.deadline * frac
    return out
