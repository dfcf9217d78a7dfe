"""An independent second opinion on LANGUAGE.md §6 and §9: the MILP of a spec, built straight
from the contract's formulas with PuLP, sharing only suanli's parser and constant evaluation.

Scope: single-period specs (no `years`), the statements `suanli.testing.specs` and specs/ write
(linear metrics, ratios compared with constants, `for` over regions/tags/lists, policies).
Readable over fast: it is a check, not a product."""

from __future__ import annotations

import heapq
import math
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import pulp

from suanli.compiler import units
from suanli.compiler.evaluate import ConstEvaluator, Currency, Q
from suanli.diagnostics import DiagnosticBag
from suanli.grammar import ast
from suanli.grammar.parser import parse

import reference_years
from reference_statements import Statements, exact, num, region_set

YEAR = 8760 * 3600.0


@dataclass
class Spec:
    """Every declaration of a spec and its imports, values in SI base units (floats)."""
    settings: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)   # name -> {prop: value}
    nodes: dict = field(default_factory=dict)
    demands: dict = field(default_factory=dict)
    jobs: dict = field(default_factory=dict)
    links: list = field(default_factory=list)      # (a, b, props)
    statements: list = field(default_factory=list)  # ast Require (asserts do not shape the program)
    objective: ast.Objective | None = None
    evaluator: ConstEvaluator | None = None


class Schedule(list):
    """A property's values by year (§8), resolved per year by reference_years."""


def _value(ev: ConstEvaluator, expr):
    """A property value: a quantity (value, dim), a name, a list of names, a bool or a string."""
    if isinstance(expr, ast.ListExpr):
        return [item.dotted for item in expr.items]
    if isinstance(expr, ast.Bool):
        return expr.value
    if isinstance(expr, ast.Str):
        return expr.value
    if isinstance(expr, ast.Schedule):  # §8 `V1 from Y1, ...`: (year, value) pairs
        return Schedule([(int(ev.eval(e.year).value), ev.eval(e.value)) for e in expr.entries])
    if isinstance(expr, ast.YearRange):  # §8 `years = A .. B`
        return int(ev.eval(expr.lo).value), int(ev.eval(expr.hi).value)
    if isinstance(expr, ast.Name) and expr.dotted not in ev.lets and units.lookup_unit(expr.dotted) is None:
        return expr.dotted
    q = ev.eval(expr)
    assert q is not None, f"reference model cannot evaluate {expr}"
    return q


def load(path: Path) -> Spec:
    spec = Spec()
    spec.evaluator = ConstEvaluator({}, DiagnosticBag(), Currency(DiagnosticBag()))
    _load_into(spec, Path(path))
    return spec


def _load_into(spec: Spec, path: Path) -> None:
    module, diags = parse(path.read_text(encoding="utf-8"), str(path))
    assert module is not None, diags
    ev = spec.evaluator
    for st in module.statements:
        if isinstance(st, ast.Import):
            _load_into(spec, path.parent / st.path)
        elif isinstance(st, ast.Settings):
            spec.settings.update({p.name: _value(ev, p.value) for p in st.props})
        elif isinstance(st, ast.Let):
            ev.lets[st.name] = ev.eval(st.value)
        elif isinstance(st, ast.Decl):
            props = dict(spec.nodes[st.base]) if st.base else {}
            props.update({p.name: _value(ev, p.value) for p in st.props})
            getattr(spec, st.kind + "s")[st.name] = props
        elif isinstance(st, ast.LinkDecl):
            spec.links.append((st.a, st.b, {p.name: _value(ev, p.value) for p in st.props}))
        elif isinstance(st, ast.Objective):
            spec.objective = st
        elif isinstance(st, (ast.Require, ast.For, ast.Policy)):
            spec.statements.append(st)


# ---------------------------------------------------------------- paths (§6 "Paths")

def shortest_paths(spec: Spec, origin: str) -> dict[str, tuple[float, float, list[str]]]:
    """Λ and κ from origin: least latency, ties (1e-9 relative) by transfer cost, then names."""
    adj: dict[str, list] = {r: [] for r in spec.regions}
    for a, b, p in spec.links:
        lat, cost = exact(p, "latency"), exact(p, "transfer_cost")  # exact: 0.1 + 0.2 == 0.3
        adj[a].append((b, lat, cost))
        adj[b].append((a, lat, cost))
    best: dict[str, tuple[float, float, list[str]]] = {}
    # Enumerate simple paths best-first; graphs here are tiny, so exhaustive label-setting is fine.
    heap = [(Fraction(0), Fraction(0), [origin])]
    while heap:
        lat, cost, path = heapq.heappop(heap)
        here = path[-1]
        if here in best and not _better((lat, cost, path), best[here]):
            continue  # a label as good was expanded already
        best[here] = (lat, cost, path)
        for nxt, l, c in adj[here]:
            cand = (lat + l, cost + c, path + [nxt])
            if nxt not in path and (nxt not in best or _better(cand, best[nxt])):
                heapq.heappush(heap, cand)
    return best


def _close(a: Fraction, b: Fraction) -> bool:
    return abs(a - b) <= Fraction(1, 10**9) * max(abs(a), abs(b))


def _better(cand, cur) -> bool:
    if not _close(cand[0], cur[0]):
        return cand[0] < cur[0]
    if not _close(cand[1], cur[1]):
        return cand[1] < cur[1]
    return cand[2] < cur[2]


# ---------------------------------------------------------------- allowed regions and sizing

def allowed(spec: Spec, d: dict, paths) -> list[str]:
    regions = set(spec.regions)
    if "residency" in d:
        regions &= region_set(spec, d["residency"])
    if "origin" in d:
        reach = paths[d["origin"]]
        regions = {r for r in regions if r in reach}
        if "max_latency" in d:
            limit = exact(d, "max_latency")
            regions = {r for r in regions if reach[r][0] <= limit or _close(reach[r][0], limit)}
    if "params" in d:
        regions = {r for r in regions if "max_params" not in spec.regions[r]
                   or num(d, "params") <= num(spec.regions[r], "max_params")}
    return sorted(regions)


def buildable(spec: Spec, t: str, r: str) -> bool:
    names = spec.nodes[t].get("regions")
    return names is None or r in region_set(spec, names)


def job_work(j: dict) -> float:
    if "work" in j:
        return num(j, "work")
    return 6 * num(j, "params") * num(j, "tokens")


def demand_compute(d: dict) -> float:
    if "compute" in d:
        return num(d, "compute")
    if "params" in d and "token_rate" in d:
        return 2 * num(d, "params") * num(d, "token_rate")
    return 0.0


def amdahl(j: dict, f: Fraction):
    """(N_jt, E_jt) or None when t is unusable for j; exact rational arithmetic."""
    if f <= 0:
        return None
    work = j["work"].value if "work" in j else 6 * j["params"].value * j["tokens"].value
    eff = j["efficiency"].value if "efficiency" in j else Fraction(1)
    sigma = j["serial_fraction"].value if "serial_fraction" in j else Fraction(0)
    deadline = j["deadline"].value
    tau1 = work / (eff * f)
    if sigma * tau1 > deadline:
        return None
    n = 1
    if tau1 > deadline:  # τ1(σ + (1-σ)/N) <= D  <=>  N >= τ1(1-σ) / (D - τ1σ)
        if sigma * tau1 == deadline:
            return None
        n = max(1, math.ceil(tau1 * (1 - sigma) / (deadline - tau1 * sigma)))
    if "max_nodes" in j and n > j["max_nodes"].value:
        return None
    return n, float(f * n * tau1 * (sigma + (1 - sigma) / n))


# ---------------------------------------------------------------- the program (§6, §9)

class Program(Statements):
    """The MILP: variables n, open, x, y, z; rows 1–8; cost parts as affine expressions."""

    def __init__(self, spec: Spec, relax: bool = False, year=None):
        """`year` (§8): (prob, tag, n, open) shared with the build-out; H is then 1 year."""
        self.spec, s = spec, spec
        self.H = float(s.settings["horizon"].value) if "horizon" in s.settings else YEAR
        self.u = num(s.settings, "utilization", 1.0)
        self.prob = pulp.LpProblem("reference", pulp.LpMinimize)
        self.paths = {r: shortest_paths(s, r) for r in s.regions}
        self.tag = ""
        cat = "Continuous" if relax else "Integer"
        self.n = {(r, t): pulp.LpVariable(f"n_{r}_{t}", 0, None, cat)
                  for r in s.regions for t in s.nodes if buildable(s, t, r)}
        self.open = {r: pulp.LpVariable(f"open_{r}", cat="Binary")
                     for r, p in s.regions.items() if num(p, "site_cost") > 0}
        if year is not None:
            self.prob, self.tag, self.n, self.open = year
            self.H = YEAR
        self.x = {}
        for d, p in s.demands.items():
            kind = "Binary" if p.get("split") is False else "Continuous"
            for r in allowed(s, p, self.paths):
                self.x[d, r] = pulp.LpVariable(f"x_{d}_{r}{self.tag}", 0, 1, kind)
        self.y, self.sizing = {}, {}
        for j, p in s.jobs.items():
            for r in allowed(s, p, self.paths):
                for t in s.nodes:
                    size = self._job_size(p, t)
                    if (r, t) in self.n and size:
                        self.sizing[j, t] = size
                        self.y[j, r, t] = pulp.LpVariable(f"y_{j}_{r}_{t}{self.tag}", cat="Binary")
        self.z, self.trivially_infeasible = {}, False
        self.rows()
        self.costs()

    def _job_size(self, job: dict, t: str):
        node = self.spec.nodes[t]
        if node["class"] != job["class"]:
            return None
        return amdahl(job, node["compute"].value if "compute" in node else Fraction(0))

    def add(self, row) -> None:
        if not any(row.values()):  # no variables: decide it here (pulp's HiGHS api drops such rows)
            self.trivially_infeasible |= not row.valid(1e-9)
            return
        # Rows mix FLOP (1e24) and counts: scale each to a largest coefficient of 1 for CBC.
        scale = max(abs(v) for v in row.values())
        expr = pulp.LpAffineExpression([(v, a / scale) for v, a in row.items()])
        self.prob += pulp.LpConstraint(expr, row.sense, rhs=-row.constant / scale)

    def types(self, r: str, keep=lambda t: True):
        return [t for t in self.spec.nodes if (r, t) in self.n and keep(t)]

    def rows(self) -> None:
        s = self.spec
        for d in s.demands:
            self.add(pulp.lpSum(v for (e, _), v in self.x.items() if e == d) == 1)
        for j in s.jobs:
            self.add(pulp.lpSum(v for (e, _, _), v in self.y.items() if e == j) == 1)
        self.backups()
        for r, rp in s.regions.items():
            self.region_rows(r, rp)
        for (j, r, t), v in self.y.items():
            self.add(self.n[r, t] >= self.sizing[j, t][0] * v)
        self.bandwidth_rows()

    def region_rows(self, r: str, rp: dict) -> None:
        s, H = self.spec, self.H
        classes = {p["class"] for p in list(s.demands.values()) + list(s.jobs.values())}
        for c in classes:
            need = pulp.lpSum(demand_compute(p) * H * self.x[d, r] for d, p in s.demands.items()
                              if p["class"] == c and (d, r) in self.x)
            need += pulp.lpSum(self.sizing[j, t][1] * v for (j, q, t), v in self.y.items()
                               if q == r and s.jobs[j]["class"] == c)
            have = pulp.lpSum(self.u * H * num(s.nodes[t], "compute") * self.n[r, t]
                              for t in self.types(r, lambda t: s.nodes[t]["class"] == c))
            self.add(need <= have)
        for prop in ("storage", "memory"):
            need = pulp.lpSum(num(p, prop) * self.x[d, r] for d, p in s.demands.items() if (d, r) in self.x)
            need += pulp.lpSum(num(s.jobs[j], prop) * v for (j, q, t), v in self.y.items() if q == r)
            if prop == "storage":
                need += pulp.lpSum(num(s.demands[d], "storage") * v for (d, b), v in self.z.items() if b == r)
            self.add(need <= pulp.lpSum(num(s.nodes[t], prop) * self.n[r, t] for t in self.types(r)))
        if "power_cap" in rp:
            self.add(self.facility_power(r) <= num(rp, "power_cap"))
        if "max_nodes" in rp:
            self.add(pulp.lpSum(self.n[r, t] for t in self.types(r)) <= num(rp, "max_nodes"))
        for t in self.types(r):
            if "max_per_region" in s.nodes[t]:
                self.add(self.n[r, t] <= num(s.nodes[t], "max_per_region"))
            if r in self.open:
                self.add(self.n[r, t] <= num(rp, "max_nodes", 1e6) * self.open[r])

    def facility_power(self, r: str, keep=lambda t: True):
        pue = num(self.spec.regions[r], "pue", 1.0)
        return pulp.lpSum(pue * num(self.spec.nodes[t], "power") * self.n[r, t] for t in self.types(r, keep))

    def backups(self) -> None:
        s = self.spec
        for d, p in s.demands.items():
            k = int(num(p, "backups"))
            if k <= 0:
                continue
            regions = sorted(set(s.regions) & region_set(s, p["residency"])) if "residency" in p \
                else sorted(s.regions)
            for b in regions:
                self.z[d, b] = pulp.LpVariable(f"z_{d}_{b}{self.tag}", cat="Binary")
            self.add(pulp.lpSum(self.z[d, b] for b in regions) == k)
            sep = exact(p, "backup_separation")
            for (e, r), xv in self.x.items():
                for b in regions:
                    lat = self.paths[r].get(b, (math.inf,))[0]
                    if e == d and lat < sep:  # Λ(r,r) = 0: same region only when T > 0
                        self.add(xv + self.z[d, b] <= 1)

    def route(self, origin: str, r: str) -> list[tuple[str, str]]:
        path = self.paths[origin][r][2]
        return list(zip(path, path[1:]))

    def bandwidth_rows(self) -> None:
        s = self.spec
        for a, b, lp in s.links:
            if "bandwidth" not in lp:
                continue
            for hop in ((a, b), (b, a)):
                load = pulp.lpSum(num(s.demands[d], "traffic") * v for (d, r), v in self.x.items()
                                  if "origin" in s.demands[d] and hop in self.route(s.demands[d]["origin"], r))
                load += pulp.lpSum(num(s.jobs[j], "data") / num(s.jobs[j], "deadline") * v
                                   for (j, r, t), v in self.y.items()
                                   if "origin" in s.jobs[j] and hop in self.route(s.jobs[j]["origin"], r))
                self.add(load <= num(lp, "bandwidth"))

    def kappa(self, origin: str, r: str) -> float:
        return float(self.paths[origin][r][1])

    def costs(self) -> None:
        s, H = self.spec, self.H
        site = 0
        for r, v in self.open.items():
            q = s.regions[r]["site_cost"]
            site += float(q.value) * (H if q.dim == units.MONEY / units.TIME else 1) * v
        nodes = s.nodes
        capex = pulp.lpSum(num(nodes[t], "capex") * H / num(nodes[t], "lifetime", H) * v
                           for (r, t), v in self.n.items())
        opex = pulp.lpSum(num(nodes[t], "opex") * H * v for (r, t), v in self.n.items())
        self.energy = {r: self.facility_power(r) * H for r in s.regions}
        energy_cost = pulp.lpSum(num(p, "power_price") * self.energy[r] for r, p in s.regions.items())
        network = pulp.lpSum(num(s.demands[d], "traffic") * H * self.kappa(s.demands[d]["origin"], r) * v
                             for (d, r), v in self.x.items() if "origin" in s.demands[d])
        network += pulp.lpSum(num(s.jobs[j], "data") * self.kappa(s.jobs[j]["origin"], r) * v
                              for (j, r, t), v in self.y.items() if "origin" in s.jobs[j])
        self.carbon = pulp.lpSum(num(p, "carbon_intensity") * self.energy[r] for r, p in s.regions.items())
        carbon_cost = num(s.settings, "carbon_price") * self.carbon
        self.parts = {"site": pulp.lpSum([site]), "capex": capex, "opex": opex, "energy": energy_cost,
                      "network": network, "carbon": carbon_cost}
        self.cost = pulp.lpSum(self.parts.values())

@dataclass
class Result:
    status: str  # "optimal" | "infeasible"
    objective: float | None


def solve(path: Path, relax: bool = False) -> Result:
    spec = load(path)
    obj = spec.objective
    if "years" in spec.settings:
        prob, target, trivially_infeasible = reference_years.build(spec, Program, relax)
    else:
        prog = Program(spec, relax=relax)
        for st in spec.statements:
            prog.statement(st, {})
        target = prog.cost if obj is None else prog.expr(obj.expr, {})[1]
        prob, trivially_infeasible = prog.prob, prog.trivially_infeasible
    sense = 1 if obj is None or obj.sense == "minimize" else -1
    prob += sense * target
    # CBC (bundled with PuLP): a solver other than suanli's HiGHS, and pulp's HiGHS api
    # mis-reads row values with the highspy this project pins.
    solver = pulp.PULP_CBC_CMD(msg=False, gapRel=1e-10, gapAbs=1e-6)
    with warnings.catch_warnings():  # PULP_CBC_CMD is deprecated for PuLP 4 (pyproject: pulp < 4)
        warnings.simplefilter("ignore", DeprecationWarning)
        status = prob.solve(solver)
    if pulp.LpStatus[status] != "Optimal" or trivially_infeasible:
        return Result("infeasible", None)
    return Result("optimal", pulp.value(target))
