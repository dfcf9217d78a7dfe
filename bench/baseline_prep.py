"""Baselines, shared part: index sets and coefficients of LANGUAGE.md §6 in plain
Python (`Prep`), from the plain data bench/baselines.py exports; the PuLP and
linopy models (baseline_pulp.py, baseline_linopy.py) are built from it.
See bench/baselines.py for the modelling choices.
"""

from __future__ import annotations

import math
from collections import defaultdict

N_KINDS = ("nodes", "compute", "storage", "power", "energy", "carbon", "renewable_energy",
           "cost.energy", "cost.carbon", "cost.capex", "cost.opex")
COST_PARTS = ("cost.site", "cost.capex", "cost.opex", "cost.energy", "cost.network", "cost.carbon")
TERA, MONEY = 1e12, 1e6  # model units: TFLOPS / TB, and MCNY for the objective



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
