"""Hand-written baselines: LANGUAGE.md §6 with `--relax`, in PuLP and in linopy.

    python bench/baselines.py export SPEC -o DATA.pkl       # IR -> plain lists (untimed)
    python bench/baselines.py pulp   DATA.pkl [--json OUT]  # build + solve with HiGHS
    python bench/baselines.py linopy DATA.pkl [--json OUT]

`suanli.compiler.load` is used ONLY by `export`, to get the data out of the IR
into plain Python lists; the timed part (prep, build, solve) never imports
suanli. A .spec may be passed instead of a .pkl: it is exported first, outside
the timers.

The program is §6 with every variable continuous: x[d,r] for allowed regions,
y[j,r,t] for jobs, n[r,t], open[r] for regions with a site cost; compute per
region and class, job parallelism, storage, power caps (PUE), node counts,
sites n <= M*open, bandwidth per link direction along the paths, the requires
and `minimize cost`. Two choices are not fixed by §6 and follow suanli so that
the optimal values coincide (which is how the harness proves the three
programs are the same):
- presolve: x[d,r] / y[j,r,t] only where r can host d at all (its class has a
  type with compute there, and some storage if d needs storage);
- the site bound M (it decides the relaxed objective): as solver/families/sites.py
  documents, min(explicit caps, the demand bound), and for regions where more
  nodes can help a require the explicit caps alone (else max(1e6, 100 x the
  largest demand bound)).
Integrality (`--integrality`): `lp` (default) makes every variable continuous,
the LP relaxation; `spec` relaxes only n[r,t], as §6 literally says of
`--relax`, and keeps open, y and the x of `split = false` binary (a MIP, solved
to a 1e-6 relative gap like suanli). The harness picks the mode that matches
the integrality of the MPS `suanli solve --relax` writes.
Units are the ones a modeller would pick (TFLOPS, TB, kW, Gbps, MCNY), and
require rows are divided by their largest coefficient.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import sys
import time
from collections import defaultdict

T0 = time.perf_counter()  # as early as possible: imports count as "import"

N_KINDS = ("nodes", "compute", "storage", "power", "energy", "carbon", "renewable_energy",
           "cost.energy", "cost.carbon", "cost.capex", "cost.opex")
COST_PARTS = ("cost.site", "cost.capex", "cost.opex", "cost.energy", "cost.network", "cost.carbon")
TERA, MONEY = 1e12, 1e6  # model units: TFLOPS / TB, and MCNY for the objective


# ======================================================= export (untimed) ==

def export_data(program) -> dict:
    """The IR as plain lists and dicts (SI units), nothing from suanli inside."""
    s = program.settings
    return {
        "H": s.horizon, "u": s.utilization, "carbon_price": s.carbon_price, "currency": s.currency,
        "regions": [dict(name=r.name, power_price=r.power_price, pue=r.pue,
                         carbon_intensity=r.carbon_intensity, renewable=r.renewable,
                         power_cap=r.power_cap, site_cost=r.site_cost, max_nodes=r.max_nodes)
                    for r in program.regions],
        "types": [dict(name=t.name, cls=t.cls, compute=t.compute, storage=t.storage, power=t.power,
                       capex=t.capex, lifetime=t.lifetime, opex=t.opex, regions=list(t.regions),
                       max_per_region=t.max_per_region) for t in program.node_types],
        "links": [(l.a, l.b, l.latency, l.transfer_cost, l.bandwidth) for l in program.links],
        "paths": {(p.origin, p.dest): (p.transfer_cost, list(p.hops)) for p in program.paths},
        "services": [(d.name, d.cls, d.compute, d.storage, d.origin, d.traffic, list(d.allowed_regions),
                      d.split)
                     for d in program.services],
        "jobs": [(j.name, j.cls, j.storage, j.origin, j.data, j.deadline, list(j.allowed_regions),
                  [(o.node_type, o.nodes, o.consumed) for o in j.options]) for j in program.jobs],
        "requires": [(_terms(row.expr), row.lower, row.upper, row.expr.constant)
                     for st in program.statements if st.kind == "require" for row in st.rows],
        "objective": (program.objective.sense, _terms(program.objective.expr),
                      program.objective.expr.constant),
    }


def _terms(expr) -> list[tuple]:
    return [(t.coef, t.metric.kind, t.metric.regions, t.metric.node_types, t.metric.target)
            for t in expr.terms]


def load_input(path: str) -> tuple[dict, float]:
    """(data, seconds to read it); a .spec is compiled and exported first."""
    t = time.perf_counter()
    if path.endswith(".spec"):
        import suanli.compiler

        data = export_data(suanli.compiler.load(path))
    else:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
    return data, time.perf_counter() - t


# ============================================================ shared prep ==

class Prep:
    """Index sets and coefficients in plain Python, from the plain data.

    Column keys, in the same order as suanli's columns: n over (region, type)
    row-major, open over site regions, x over services then their allowed
    regions, y over jobs, allowed regions, options.
    """

    def __init__(self, data: dict, integrality: str = "lp"):
        self.data = data
        self.mip = integrality == "spec"  # open, y, unsplittable x stay binary
        self.H, self.u = data["H"], data["u"]
        self.reg = {r["name"]: r for r in data["regions"]}
        self.typ = {t["name"]: t for t in data["types"]}
        self._n_columns()
        self._x_columns()
        self._y_columns()
        self._edges()
        self.requires = [self._require_row(*row) for row in data["requires"]]

    # ---- columns ----------------------------------------------------------
    def _n_columns(self) -> None:
        buildable = {(r, t["name"]) for t in self.data["types"] for r in t["regions"] if r in self.reg}
        self.n_keys = [(r["name"], t["name"]) for r in self.data["regions"] for t in self.data["types"]
                       if (r["name"], t["name"]) in buildable]
        self.n_index = {k: i for i, k in enumerate(self.n_keys)}
        self.open_keys = [r["name"] for r in self.data["regions"] if r["site_cost"] > 0]
        self.types_in = defaultdict(list)  # region -> buildable types
        for r, t in self.n_keys:
            self.types_in[r].append(t)
        self.class_compute = {(r, self.typ[t]["cls"]) for r, t in self.n_keys if self.typ[t]["compute"] > 0}
        self.has_storage = {r for r, t in self.n_keys if self.typ[t]["storage"] > 0}

    def _hosts(self, r: str, cls: str, compute: float, storage: float) -> bool:
        return ((compute <= 0 or (r, cls) in self.class_compute)
                and (storage <= 0 or r in self.has_storage))

    def _x_columns(self) -> None:
        self.x_keys = []  # (service index, region)
        for d, (_, cls, comp, sto, _, _, allowed, _) in enumerate(self.data["services"]):
            self.x_keys += [(d, r) for r in allowed if self._hosts(r, cls, comp, sto)]

    def _y_columns(self) -> None:
        self.y_keys = []  # (job index, region, type, N, E)
        for j, (_, _, sto, _, _, _, allowed, options) in enumerate(self.data["jobs"]):
            for r in allowed:
                if sto > 0 and r not in self.has_storage:
                    continue
                self.y_keys += [(j, r, t, nodes, consumed) for t, nodes, consumed in options
                                if (r, t) in self.n_index]

    # ---- links ------------------------------------------------------------
    def _edges(self) -> None:
        """(from, to) -> (directed edge id, bandwidth B/s or None); parallel links:
        the lower latency, then the lower transfer cost (as the paths do)."""
        best = {}
        for k, (a, b, lat, cost, bw) in enumerate(self.data["links"]):
            for e, (p, q) in ((2 * k, (a, b)), (2 * k + 1, (b, a))):
                if (p, q) not in best or (lat, cost, k) < best[(p, q)][0]:
                    best[(p, q)] = ((lat, cost, k), e, bw)
        self.edge = {pq: (e, bw) for pq, (_, e, bw) in best.items()}

    def path(self, origin, dest):
        """(kappa, [directed edges with a bandwidth limit]) of the path origin -> dest."""
        if origin is None or origin == dest:
            return 0.0, []
        kappa, hops = self.data["paths"][(origin, dest)]
        limited = [self.edge[(hops[i], hops[i + 1])] for i in range(len(hops) - 1)]
        return kappa, [(e, bw) for e, bw in limited if bw is not None]

    # ---- per-column coefficients (SI) --------------------------------------
    def n_coef(self, kind: str, r: str, t: str) -> float:
        reg, typ, H = self.reg[r], self.typ[t], self.H
        energy = reg["pue"] * typ["power"] * H
        return {
            "nodes": 1.0, "compute": typ["compute"], "storage": typ["storage"],
            "power": reg["pue"] * typ["power"], "energy": energy,
            "carbon": energy * reg["carbon_intensity"],
            "renewable_energy": energy * reg["renewable"],
            "cost.energy": energy * reg["power_price"],
            "cost.carbon": energy * reg["carbon_intensity"] * self.data["carbon_price"],
            "cost.capex": typ["capex"] * H / typ["lifetime"], "cost.opex": typ["opex"] * H,
        }[kind]

    def unit_cost(self, r: str, t: str) -> float:
        """Cost of one node of type t in r over the horizon (capex share, opex, energy, carbon)."""
        return sum(self.n_coef(k, r, t) for k in ("cost.capex", "cost.opex", "cost.energy", "cost.carbon"))

    def x_network(self, d: int, r: str) -> float:
        _, _, _, _, origin, traffic, *_ = self.data["services"][d]
        return traffic * self.H * self.path(origin, r)[0] if traffic else 0.0

    def y_network(self, j: int, r: str) -> float:
        _, _, _, origin, data, _, _, _ = self.data["jobs"][j]
        return data * self.path(origin, r)[0] if data else 0.0

    # ---- metrics of the requires --------------------------------------------
    def metric(self, kind, regions, types, target) -> dict:
        """{("n"|"open"|"x"|"y", column): coefficient} of one linear metric (SI)."""
        rsel = None if regions is None else set(regions)
        tsel = None if types is None else set(types)
        inr = lambda r: rsel is None or r in rsel
        if kind == "cost":
            out = defaultdict(float)
            for part in COST_PARTS:
                for key, c in self.metric(part, regions, types, target).items():
                    out[key] += c
            return out
        if kind in N_KINDS:
            return {("n", i): c for i, (r, t) in enumerate(self.n_keys)
                    if inr(r) and (tsel is None or t in tsel) and (c := self.n_coef(kind, r, t)) != 0}
        if kind == "cost.site":
            return {("open", i): self.reg[r]["site_cost"] for i, r in enumerate(self.open_keys) if inr(r)}
        if kind == "cost.network":
            out = {("x", i): c for i, (d, r) in enumerate(self.x_keys) if inr(r) and (c := self.x_network(d, r))}
            out.update({("y", i): c for i, (j, r, *_) in enumerate(self.y_keys)
                        if inr(r) and (c := self.y_network(j, r))})
            return out
        if kind == "served":
            return self._served(target, inr, tsel)
        raise ValueError(f"metric {kind} is not supported by the baselines")

    def _served(self, target, inr, tsel) -> dict:
        names = [s[0] for s in self.data["services"]]
        if target in names:
            d = names.index(target)
            return {("x", i): 1.0 for i, (dd, r) in enumerate(self.x_keys) if dd == d and inr(r)}
        j = [job[0] for job in self.data["jobs"]].index(target)
        return {("y", i): 1.0 for i, (jj, r, t, *_) in enumerate(self.y_keys)
                if jj == j and inr(r) and (tsel is None or t in tsel)}

    def _require_row(self, terms, lower, upper, constant):
        coefs = defaultdict(float)
        for coef, kind, regions, types, target in terms:
            for key, c in self.metric(kind, regions, types, target).items():
                coefs[key] += coef * c
        lb = None if lower is None else lower - constant
        ub = None if upper is None else upper - constant
        return dict(coefs), lb, ub

    # ---- the site bound M (follows solver/families/sites.py) -------------------------
    def site_bound(self) -> dict:
        """M per n column of a site region."""
        site = set(self.open_keys)
        cols = [i for i, (r, _) in enumerate(self.n_keys) if r in site]
        if not cols:
            return {}
        m_dem = self._demand_bound()
        forced = self._forced_regions()
        big = max(1e6, 100.0 * max(m_dem[i] for i in cols))
        out = {}
        for i in cols:
            r, t = self.n_keys[i]
            m = min(self._cap_bound(r, t), math.inf if r in forced else m_dem[i])
            out[i] = m if math.isfinite(m) else big
        return out

    def _cap_bound(self, r: str, t: str) -> float:
        reg, typ = self.reg[r], self.typ[t]
        caps = [math.inf if typ["max_per_region"] is None else float(typ["max_per_region"]),
                math.inf if reg["max_nodes"] is None else float(reg["max_nodes"])]
        if reg["power_cap"] is not None:
            caps.append(math.floor(reg["power_cap"] / (reg["pue"] * typ["power"]) * (1 + 1e-9)))
        return min(caps)

    def _demand_bound(self) -> list[float]:
        """Nodes of type t that would host alone everything that may go to r."""
        work, store, par = defaultdict(float), defaultdict(float), defaultdict(float)
        for d, r in self.x_keys:
            _, cls, comp, sto, *_ = self.data["services"][d]
            work[(r, cls)] += comp * self.H
        for j, r, t, nodes, consumed in self.y_keys:
            work[(r, self.data["jobs"][j][1])] += consumed
        for d, r in self.x_keys:
            store[r] += self.data["services"][d][3]
        for j, r, t, nodes, consumed in self.y_keys:
            store[r] += self.data["jobs"][j][2]
            par[(r, t)] = max(par[(r, t)], float(nodes))
        out = []
        for r, t in self.n_keys:
            typ = self.typ[t]
            by_work = math.ceil(work[(r, typ["cls"])] / (self.u * self.H * typ["compute"])) if typ["compute"] > 0 else 0
            by_store = math.ceil(store[r] / typ["storage"]) if typ["storage"] > 0 else 0
            out.append(float(max(by_work, by_store, par[(r, t)])))
        return out

    def _forced_regions(self) -> set:
        """Regions where more nodes make some require row easier to meet."""
        forced = set()
        for coefs, lb, ub in self.requires:
            for (kind, i), c in coefs.items():
                if kind == "n" and ((ub is not None and c < 0) or (lb is not None and c > 0)):
                    forced.add(self.n_keys[i][0])
        return forced


def check_objective(data: dict) -> None:
    """The baselines write the cost explicitly; they only support `minimize cost`."""
    sense, terms, constant = data["objective"]
    if sense != "minimize" or constant or [(t[0], t[1:]) for t in terms] != [(1.0, ("cost", None, None, None))]:
        raise SystemExit("baselines support only `objective = minimize cost`")


def scaled(coefs: dict, lb, ub):
    """A require row divided by its largest coefficient (what a careful modeller does)."""
    big = max((abs(c) for c in coefs.values()), default=1.0) or 1.0
    return ({k: c / big for k, c in coefs.items()},
            None if lb is None else lb / big, None if ub is None else ub / big)


# ===================================================================== PuLP ==

def build_pulp(p: Prep):
    """Idiomatic PuLP: LpVariable.dicts over tuple keys, lpSum loops, named rows."""
    import warnings

    import pulp

    # PuLP 3.3 deprecates LpVariable.dicts for 4.0; it is still what most models use
    warnings.filterwarnings("ignore", message="LpVariable.dicts is deprecated", category=DeprecationWarning)
    data, H, u = p.data, p.H, p.u
    services, jobs = data["services"], data["jobs"]
    prob = pulp.LpProblem("suanli_bench", pulp.LpMinimize)
    n = pulp.LpVariable.dicts("n", p.n_keys, lowBound=0)
    for (r, t), var in n.items():
        if p.typ[t]["max_per_region"] is not None:
            var.upBound = p.typ[t]["max_per_region"]
    binary = pulp.LpBinary if p.mip else pulp.LpContinuous
    open_ = pulp.LpVariable.dicts("open", p.open_keys, lowBound=0, upBound=1, cat=binary)
    x_names = [(services[d][0], r) for d, r in p.x_keys]
    x = pulp.LpVariable.dicts("x", x_names, lowBound=0, upBound=1)
    if p.mip:
        for d, r in p.x_keys:
            if not services[d][7]:
                x[services[d][0], r].cat = pulp.LpInteger
    y_names = [(jobs[j][0], r, t) for j, r, t, _, _ in p.y_keys]
    y = pulp.LpVariable.dicts("y", y_names, lowBound=0, upBound=1, cat=binary)
    xv = [x[k] for k in x_names]  # column index -> variable, for the requires
    yv = [y[k] for k in y_names]

    # objective: cost over the horizon, in MCNY
    prob += (pulp.lpSum(p.unit_cost(r, t) / MONEY * n[r, t] for r, t in p.n_keys)
             + pulp.lpSum(p.reg[r]["site_cost"] / MONEY * open_[r] for r in p.open_keys)
             + pulp.lpSum(c / MONEY * xv[i] for i, (d, r) in enumerate(p.x_keys) if (c := p.x_network(d, r)))
             + pulp.lpSum(c / MONEY * yv[i] for i, (j, r, *_) in enumerate(p.y_keys) if (c := p.y_network(j, r))))

    # 1. every service fully served, every job runs once
    x_of, y_of = defaultdict(list), defaultdict(list)
    for i, (d, r) in enumerate(p.x_keys):
        x_of[d].append(xv[i])
    for i, (j, *_) in enumerate(p.y_keys):
        y_of[j].append(yv[i])
    for d, (name, *_) in enumerate(services):
        prob += pulp.lpSum(x_of[d]) == 1, f"served_{name}"
    for j, (name, *_) in enumerate(jobs):
        prob += pulp.lpSum(y_of[j]) == 1, f"runs_{name}"

    # 2. compute per region and class, divided by H: TFLOPS on both sides
    demand = defaultdict(list)
    for i, (d, r) in enumerate(p.x_keys):
        _, cls, comp, *_ = services[d]
        if comp > 0:
            demand[(r, cls)].append(comp / TERA * xv[i])
    for i, (j, r, t, nodes, consumed) in enumerate(p.y_keys):
        if consumed > 0:
            demand[(r, jobs[j][1])].append(consumed / H / TERA * yv[i])
    for (r, cls), terms in demand.items():
        prob += (pulp.lpSum(terms) <= pulp.lpSum(u * p.typ[t]["compute"] / TERA * n[r, t]
                                                 for t in p.types_in[r] if p.typ[t]["cls"] == cls
                                                 and p.typ[t]["compute"] > 0), f"compute_{r}_{cls}")

    # 3. job parallelism
    for i, (j, r, t, nodes, _) in enumerate(p.y_keys):
        prob += n[r, t] >= nodes * yv[i], f"parallel_{i}"

    # 4. storage per region, TB
    stored = defaultdict(list)
    for i, (d, r) in enumerate(p.x_keys):
        if services[d][3] > 0:
            stored[r].append(services[d][3] / TERA * xv[i])
    for i, (j, r, *_) in enumerate(p.y_keys):
        if jobs[j][2] > 0:
            stored[r].append(jobs[j][2] / TERA * yv[i])
    for r, terms in stored.items():
        prob += (pulp.lpSum(terms) <= pulp.lpSum(p.typ[t]["storage"] / TERA * n[r, t] for t in p.types_in[r]
                                                 if p.typ[t]["storage"] > 0), f"storage_{r}")

    # 5. power caps (kW, PUE included) and node counts
    for r, reg in p.reg.items():
        if reg["power_cap"] is not None and p.types_in[r]:
            prob += (pulp.lpSum(reg["pue"] * p.typ[t]["power"] / 1e3 * n[r, t] for t in p.types_in[r])
                     <= reg["power_cap"] / 1e3, f"power_{r}")
        if reg["max_nodes"] is not None and p.types_in[r]:
            prob += pulp.lpSum(n[r, t] for t in p.types_in[r]) <= reg["max_nodes"], f"nodes_{r}"

    # 6. sites
    for i, m in p.site_bound().items():
        r, t = p.n_keys[i]
        prob += n[r, t] <= m * open_[r], f"site_{r}_{t}"

    # 7. bandwidth per link direction, Gbps
    on_edge, limit = defaultdict(list), {}
    for i, (d, r) in enumerate(p.x_keys):
        _, _, _, _, origin, traffic, *_ = services[d]
        if traffic > 0:
            for e, bw in p.path(origin, r)[1]:
                on_edge[e].append(traffic * 8e-9 * xv[i])
                limit[e] = bw
    for i, (j, r, *_) in enumerate(p.y_keys):
        _, _, _, origin, size, deadline, _, _ = jobs[j]
        if size > 0:
            for e, bw in p.path(origin, r)[1]:
                on_edge[e].append(size / deadline * 8e-9 * yv[i])
                limit[e] = bw
    for e, terms in on_edge.items():
        prob += pulp.lpSum(terms) <= limit[e] * 8e-9, f"bandwidth_{e}"

    # 8. requires
    var = {"n": lambda i: n[p.n_keys[i]], "open": lambda i: open_[p.open_keys[i]],
           "x": lambda i: xv[i], "y": lambda i: yv[i]}
    for k, row in enumerate(p.requires):
        coefs, lb, ub = scaled(*row)
        expr = pulp.lpSum(c * var[kind](i) for (kind, i), c in coefs.items())
        if lb is not None and ub is not None and lb == ub:
            prob += expr == lb, f"require_{k}"
            continue
        if lb is not None:
            prob += expr >= lb, f"require_{k}_lo"
        if ub is not None:
            prob += expr <= ub, f"require_{k}_hi"
    return prob


def solve_pulp(prob) -> tuple[str, float]:
    import pulp

    try:
        solver = pulp.HiGHS(msg=False, gapRel=1e-6)
        if not solver.available():
            raise pulp.PulpSolverError("highspy not available")
    except Exception:  # older PuLP or no highspy: the command-line HiGHS
        solver = pulp.HiGHS_CMD(msg=False, gapRel=1e-6)
    prob.solve(solver)
    return pulp.LpStatus[prob.status], pulp.value(prob.objective) * MONEY


def pulp_size(prob) -> dict:
    nnz = sum(len(c) for c in prob.constraints.values())
    return {"vars": len(prob.variables()), "rows": len(prob.constraints), "nnz": nnz}


# =================================================================== linopy ==

def build_linopy(p: Prep):
    """Idiomatic linopy: one variable per family over an index dimension, numpy
    coefficient arrays, groupby-sum for the per-region rows."""
    import linopy
    import numpy as np
    import pandas as pd
    import xarray as xr

    data, H, u = p.data, p.H, p.u
    services, jobs = data["services"], data["jobs"]
    R = {r["name"]: i for i, r in enumerate(data["regions"])}
    C = {c: i for i, c in enumerate(sorted({t["cls"] for t in data["types"]}
                                         | {s[1] for s in services} | {j[1] for j in jobs}))}
    da = lambda values, dim, dtype=float: xr.DataArray(np.asarray(values, dtype=dtype), dims=dim)

    # column data as arrays
    n_r = np.array([R[r] for r, _ in p.n_keys], dtype=np.int64)
    t_of = [p.typ[t] for _, t in p.n_keys]
    f = np.array([t["compute"] for t in t_of]) / TERA
    s = np.array([t["storage"] for t in t_of]) / TERA
    n_cls = np.array([C[t["cls"]] for t in t_of], dtype=np.int64)
    pw = np.array([p.reg[r]["pue"] * p.typ[t]["power"] for r, t in p.n_keys]) / 1e3
    n_ub = np.array([np.inf if t["max_per_region"] is None else t["max_per_region"] for t in t_of], dtype=float)
    x_d = np.array([d for d, _ in p.x_keys], dtype=np.int64)
    x_r = np.array([R[r] for _, r in p.x_keys], dtype=np.int64)
    y_j = np.array([k[0] for k in p.y_keys], dtype=np.int64)
    y_r = np.array([R[k[1]] for k in p.y_keys], dtype=np.int64)
    y_n = np.array([p.n_index[(k[1], k[2])] for k in p.y_keys], dtype=np.int64)
    s_cls = np.array([C[sv[1]] for sv in services], dtype=np.int64)
    s_comp = np.array([sv[2] for sv in services]) / TERA
    s_sto = np.array([sv[3] for sv in services]) / TERA
    j_cls = np.array([C[jb[1]] for jb in jobs], dtype=np.int64)
    j_sto = np.array([jb[2] for jb in jobs]) / TERA
    y_nodes = np.array([k[3] for k in p.y_keys], dtype=float)
    y_work = np.array([k[4] for k in p.y_keys], dtype=float) / H / TERA

    m = linopy.Model()
    n = m.add_variables(lower=0, upper=da(n_ub, "ncol"), coords=[pd.RangeIndex(len(p.n_keys), name="ncol")], name="n")
    unit_box = {"binary": True} if p.mip else {"lower": 0, "upper": 1}
    op = m.add_variables(coords=[pd.RangeIndex(len(p.open_keys), name="ocol")], name="open", **unit_box)
    x = m.add_variables(lower=0, upper=1, coords=[pd.RangeIndex(len(p.x_keys), name="xcol")], name="x")
    y = m.add_variables(coords=[pd.RangeIndex(len(p.y_keys), name="ycol")], name="y", **unit_box)
    whole = np.array([i for i, (d, _) in enumerate(p.x_keys) if not services[d][7]], dtype=np.int64)
    if p.mip and len(whole):  # a linopy variable is all binary or none: x = z, z binary
        z = m.add_variables(binary=True, coords=[pd.RangeIndex(len(whole), name="zcol")], name="z")
        ones = da(np.ones(len(whole)), "zcol")
        m.add_constraints(ones * x.isel(xcol=da(whole, "zcol", np.int64)) - z == 0, name="unsplit")

    # objective (MCNY)
    unit = np.array([p.unit_cost(r, t) for r, t in p.n_keys]) / MONEY
    site = np.array([p.reg[r]["site_cost"] for r in p.open_keys]) / MONEY
    netx = np.array([p.x_network(d, r) for d, r in p.x_keys]) / MONEY
    nety = np.array([p.y_network(k[0], k[1]) for k in p.y_keys]) / MONEY
    m.add_objective((da(unit, "ncol") * n).sum() + (da(site, "ocol") * op).sum()
                    + (da(netx, "xcol") * x).sum() + (da(nety, "ycol") * y).sum())

    # 1. served / runs
    m.add_constraints((1 * x).groupby(da(x_d, "xcol", np.int64).rename("d")).sum() == 1, name="served")
    if len(p.y_keys):
        m.add_constraints((1 * y).groupby(da(y_j, "ycol", np.int64).rename("j")).sum() == 1, name="runs")

    # 2. compute per (region, class): key = r * |C| + c
    nC = len(C)
    key = lambda dim, values: da(values, dim, np.int64).rename("rc")
    xs = np.flatnonzero(s_comp[x_d] > 0)
    dem = (da(s_comp[x_d[xs]], "xs") * x.isel(xcol=da(xs, "xs", np.int64))).groupby(
        key("xs", x_r[xs] * nC + s_cls[x_d[xs]])).sum()
    if len(p.y_keys):
        ys = np.flatnonzero(y_work > 0)
        dem_y = (da(y_work[ys], "ys") * y.isel(ycol=da(ys, "ys", np.int64))).groupby(
            key("ys", y_r[ys] * nC + j_cls[y_j[ys]])).sum()
        dem = dem.add(dem_y, join="outer")
    ns = np.flatnonzero(f > 0)
    cap = (da(u * f[ns], "ns") * n.isel(ncol=da(ns, "ns", np.int64))).groupby(
        key("ns", n_r[ns] * nC + n_cls[ns])).sum()
    m.add_constraints(dem.sub(cap, join="left") <= 0, name="compute")

    # 3. job parallelism
    if len(p.y_keys):
        ones = da(np.ones(len(y_n)), "ycol")
        m.add_constraints(ones * n.isel(ncol=da(y_n, "ycol", np.int64)) - da(y_nodes, "ycol") * y >= 0,
                          name="parallel")

    # 4. storage per region
    rkey = lambda dim, values: da(values, dim, np.int64).rename("r")
    xs = np.flatnonzero(s_sto[x_d] > 0)
    sto = (da(s_sto[x_d[xs]], "xs") * x.isel(xcol=da(xs, "xs", np.int64))).groupby(rkey("xs", x_r[xs])).sum()
    if len(p.y_keys):
        ys = np.flatnonzero(j_sto[y_j] > 0)
        sto_y = (da(j_sto[y_j[ys]], "ys") * y.isel(ycol=da(ys, "ys", np.int64))).groupby(rkey("ys", y_r[ys])).sum()
        sto = sto.add(sto_y, join="outer")
    ns = np.flatnonzero(s > 0)
    have = (da(s[ns], "ns") * n.isel(ncol=da(ns, "ns", np.int64))).groupby(rkey("ns", n_r[ns])).sum()
    m.add_constraints(sto.sub(have, join="left") <= 0, name="storage")

    # 5. power caps (kW) and node counts
    caps = np.array([np.nan if r["power_cap"] is None else r["power_cap"] / 1e3 for r in data["regions"]])
    ns = np.flatnonzero(np.isfinite(caps[n_r]))
    if len(ns):
        used = (da(pw[ns], "ns") * n.isel(ncol=da(ns, "ns", np.int64))).groupby(rkey("ns", n_r[ns])).sum()
        limit = xr.DataArray(caps, coords={"r": np.arange(len(caps))}, dims="r")
        m.add_constraints(used.le(limit, join="left"), name="power")
    maxn = np.array([np.nan if r["max_nodes"] is None else r["max_nodes"] for r in data["regions"]], dtype=float)
    ns = np.flatnonzero(np.isfinite(maxn[n_r]))
    if len(ns):
        count = (1 * n.isel(ncol=da(ns, "ns", np.int64))).groupby(rkey("ns", n_r[ns])).sum()
        limit = xr.DataArray(maxn, coords={"r": np.arange(len(maxn))}, dims="r")
        m.add_constraints(count.le(limit, join="left"), name="nodes")

    # 6. sites
    bound = p.site_bound()
    if bound:
        sn = np.array(sorted(bound), dtype=np.int64)
        open_ix = {r: i for i, r in enumerate(p.open_keys)}
        so = np.array([open_ix[p.n_keys[i][0]] for i in sn], dtype=np.int64)
        mm = np.array([bound[i] for i in sn])
        ones = da(np.ones(len(sn)), "sn")
        m.add_constraints(ones * n.isel(ncol=da(sn, "sn", np.int64))
                          - da(mm, "sn") * op.isel(ocol=da(so, "sn", np.int64)) <= 0, name="site")

    # 7. bandwidth per directed edge (Gbps): one entry per (column, hop)
    _bandwidth_linopy(m, p, x, y, da, np)

    # 8. requires
    fam = {"n": (n, "ncol"), "open": (op, "ocol"), "x": (x, "xcol"), "y": (y, "ycol")}
    for k, row in enumerate(p.requires):
        coefs, lb, ub = scaled(*row)
        expr = None
        for kind, (var, dim) in fam.items():
            ids = [i for (kk, i) in coefs if kk == kind]
            if not ids:
                continue
            part = (da([coefs[(kind, i)] for i in ids], "e") * var.isel({dim: da(ids, "e", np.int64)})).sum()
            expr = part if expr is None else expr + part
        if lb is not None and ub is not None and lb == ub:
            m.add_constraints(expr == lb, name=f"require_{k}")
            continue
        if lb is not None:
            m.add_constraints(expr >= lb, name=f"require_{k}_lo")
        if ub is not None:
            m.add_constraints(expr <= ub, name=f"require_{k}_hi")
    return m


def _bandwidth_linopy(m, p: Prep, x, y, da, np) -> None:
    services, jobs = p.data["services"], p.data["jobs"]
    col, coef, edge, limit = {"x": [], "y": []}, {"x": [], "y": []}, {"x": [], "y": []}, {}
    for i, (d, r) in enumerate(p.x_keys):
        _, _, _, _, origin, traffic, *_ = services[d]
        if traffic > 0:
            for e, bw in p.path(origin, r)[1]:
                col["x"].append(i), coef["x"].append(traffic * 8e-9), edge["x"].append(e)
                limit[e] = bw * 8e-9
    for i, (j, r, *_) in enumerate(p.y_keys):
        _, _, _, origin, size, deadline, _, _ = jobs[j]
        if size > 0:
            for e, bw in p.path(origin, r)[1]:
                col["y"].append(i), coef["y"].append(size / deadline * 8e-9), edge["y"].append(e)
                limit[e] = bw * 8e-9
    lhs = None
    for kind, var, dim in (("x", x, "xcol"), ("y", y, "ycol")):
        if not col[kind]:
            continue
        part = (da(coef[kind], "be") * var.isel({dim: da(col[kind], "be", np.int64)})).groupby(
            da(edge[kind], "be", np.int64).rename("edge")).sum()
        lhs = part if lhs is None else lhs.add(part, join="outer")
    if lhs is None:
        return
    import xarray as xr

    edges = sorted(limit)
    rhs = xr.DataArray(np.array([limit[e] for e in edges]), coords={"edge": edges}, dims="edge")
    m.add_constraints(lhs.le(rhs, join="left"), name="bandwidth")


def solve_linopy(m) -> tuple[str, float]:
    status, condition = m.solve(solver_name="highs", io_api="direct", progress=False, output_flag=False,
                                mip_rel_gap=1e-6)
    return f"{status}/{condition}", float(m.objective.value) * MONEY


def linopy_size(m) -> dict:
    return {"vars": int(m.nvars), "rows": int(m.ncons),
            "nnz": int(sum((c.vars.values >= 0).sum() for _, c in m.constraints.items()))}


# ====================================================================== CLI ==

def run_model(kind: str, path: str, integrality: str = "lp") -> dict:
    t_import = time.perf_counter() - T0
    if kind == "pulp":
        import pulp  # noqa: F401  (import cost counted separately)
    else:
        import linopy  # noqa: F401
    t_lib = time.perf_counter() - T0 - t_import
    data, t_load = load_input(path)
    check_objective(data)
    t = time.perf_counter()
    prep = Prep(data, integrality)
    t_prep = time.perf_counter() - t
    t = time.perf_counter()
    model = build_pulp(prep) if kind == "pulp" else build_linopy(prep)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    status, objective = solve_pulp(model) if kind == "pulp" else solve_linopy(model)
    t_solve = time.perf_counter() - t
    size = pulp_size(model) if kind == "pulp" else linopy_size(model)
    timed = t_prep + t_build + t_solve
    return {"baseline": kind, "integrality": integrality, "status": status, "objective": objective, **size,
            "timings": {"interpreter_imports": t_import + t_lib, "load_data": t_load, "prep": t_prep,
                        "build": t_build, "solve": t_solve, "model_total": timed}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="hand-written PuLP / linopy baselines")
    ap.add_argument("kind", choices=("export", "pulp", "linopy"))
    ap.add_argument("input", help=".spec (compiled here, untimed) or .pkl from `export`")
    ap.add_argument("-o", "--output", help="export: the .pkl to write")
    ap.add_argument("--json", help="write the result JSON here (default: stdout)")
    ap.add_argument("--integrality", choices=("lp", "spec"), default="lp",
                    help="lp: all continuous; spec: only n relaxed (see the module doc)")
    args = ap.parse_args(argv)
    if args.kind == "export":
        data, seconds = load_input(args.input)
        with open(args.output, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        print(json.dumps({"export_seconds": seconds}))
        return 0
    result = run_model(args.kind, args.input, args.integrality)
    text = json.dumps(result, indent=1)
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
