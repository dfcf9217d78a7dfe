"""Linear metrics (LANGUAGE.md §5) as sparse column vectors, in SI units.

`metric_vector` returns (column ids, coefficients) such that the metric's
value is coefficients @ values[column ids]. Used for the objective and for
`require` rows; the plan side recomputes the same metrics without the LP
(evaluate.py).
"""

from __future__ import annotations

import numpy as np

from suanli.compiler.ir import LinExpr, Metric
from suanli.solver.columns import Columns
from suanli.solver.path_arrays import PairTables
from suanli.solver.index import Index

Vec = tuple[np.ndarray, np.ndarray]
_EMPTY: Vec = (np.zeros(0, dtype=np.int64), np.zeros(0))
COST_PARTS = ("cost.site", "cost.capex", "cost.opex", "cost.energy", "cost.network", "cost.carbon")


class MetricVectors:
    def __init__(self, ix: Index, cols: Columns, pairs: PairTables):
        self.ix, self.cols, self.pairs = ix, cols, pairs
        self.H = ix.program.settings.horizon
        self._cache: dict = {}

    # ---- selections ------------------------------------------------------
    def _region_mask(self, names) -> np.ndarray:
        return _mask(self.cols.R, self.ix.region_ix, names)

    def _type_mask(self, names) -> np.ndarray:
        return _mask(self.cols.T, self.ix.type_ix, names)

    def _n_vec(self, m: Metric, coef: np.ndarray) -> Vec:
        c = self.cols
        sel = self._region_mask(m.regions)[c.n_r] & self._type_mask(m.node_types)[c.n_t]
        ids = np.flatnonzero(sel & (coef != 0))
        return ids + c.n0, coef[ids]

    # ---- per-n-column coefficient arrays ---------------------------------
    def n_coef(self, kind: str) -> np.ndarray:
        ix, c = self.ix, self.cols
        f, s, p = ix.t_compute[c.n_t], ix.t_storage[c.n_t], ix.t_power[c.n_t]
        energy = ix.pue[c.n_r] * p * self.H
        table = {
            "nodes": lambda: np.ones(len(c.n_r)),
            "compute": lambda: f, "storage": lambda: s, "memory": lambda: ix.t_memory[c.n_t],
            "power": lambda: ix.pue[c.n_r] * p,
            "energy": lambda: energy,
            "carbon": lambda: energy * ix.carbon_intensity[c.n_r],
            "renewable_energy": lambda: energy * ix.renewable[c.n_r],
            "cost.energy": lambda: energy * ix.power_price[c.n_r],
            "cost.carbon": lambda: energy * ix.carbon_intensity[c.n_r] * ix.program.settings.carbon_price,
            "cost.capex": lambda: self._per_type("capex"),
            "cost.opex": lambda: self._per_type("opex"),
        }
        return table[kind]()

    def _per_type(self, which: str) -> np.ndarray:
        H = self.H
        if which == "capex":
            per = [t.capex * H / t.lifetime for t in self.ix.program.node_types]
        else:
            per = [t.opex * H for t in self.ix.program.node_types]
        return np.array(per, dtype=float)[self.cols.n_t] if per else np.zeros(0)

    # ---- metrics ---------------------------------------------------------
    def vector(self, m: Metric) -> Vec:
        key = (m.kind, m.regions, m.node_types, m.target)
        if key not in self._cache:
            self._cache[key] = self._compute(m)
        return self._cache[key]

    def _compute(self, m: Metric) -> Vec:
        if m.kind == "cost":
            parts = [self.vector(m.model_copy(update={"kind": k})) for k in COST_PARTS]
            return _concat(parts)
        if m.kind == "cost.site":
            return self._site(m)
        if m.kind == "cost.network":
            return self._network(m)
        if m.kind == "served":
            return self._served(m)
        if m.kind in ("utilization", "latency"):
            raise ValueError(f"{m.kind}(...) is not linear; it is only usable in assert")
        return self._n_vec(m, self.n_coef(m.kind))

    def _site(self, m: Metric) -> Vec:
        c = self.cols
        sel = self._region_mask(m.regions)[c.open_r]
        ids = np.flatnonzero(sel)
        return ids + c.open0, self.ix.site_cost[c.open_r[ids]]

    def _network(self, m: Metric) -> Vec:
        c, p = self.cols, self.program
        traffic = np.array([s.traffic for s in p.services], dtype=float)
        data = np.array([j.data for j in p.jobs], dtype=float)
        kx = np.where(c.x_pair >= 0, self.pairs.kappa[np.maximum(c.x_pair, 0)], 0.0)
        ky = np.where(c.y_pair >= 0, self.pairs.kappa[np.maximum(c.y_pair, 0)], 0.0)
        vx = traffic[c.x_d] * self.H * kx if len(c.x_d) else np.zeros(0)
        vy = data[c.y_j] * ky if len(c.y_j) else np.zeros(0)
        rx, ry = self._region_mask(m.regions)[c.x_r], self._region_mask(m.regions)[c.y_r]
        ids_x, ids_y = np.flatnonzero(rx & (vx != 0)), np.flatnonzero(ry & (vy != 0))
        return (np.concatenate([ids_x + c.x0, ids_y + c.y0]),
                np.concatenate([vx[ids_x], vy[ids_y]]))

    @property
    def program(self):
        return self.ix.program

    def _served(self, m: Metric) -> Vec:
        c = self.cols
        rmask = self._region_mask(m.regions)
        if m.target in self.ix.service_ix:
            d = self.ix.service_ix[m.target]
            ids = np.flatnonzero((c.x_d == d) & rmask[c.x_r])
            return ids + c.x0, np.ones(len(ids))
        j = self.ix.job_ix[m.target]
        ids = np.flatnonzero((c.y_j == j) & rmask[c.y_r] & self._type_mask(m.node_types)[c.y_t])
        return ids + c.y0, np.ones(len(ids))

    def linexpr(self, expr: LinExpr) -> Vec:
        parts = []
        for term in expr.terms:
            ids, vals = self.vector(term.metric)
            parts.append((ids, vals * term.coef))
        return _concat(parts)


def _concat(parts: list[Vec]) -> Vec:
    if not parts:
        return _EMPTY
    ids = np.concatenate([p[0] for p in parts]).astype(np.int64)
    vals = np.concatenate([p[1] for p in parts])
    if len(ids) == 0:
        return _EMPTY
    if len(parts) == 1 and not (ids[1:] <= ids[:-1]).any():  # one vector, already unique and sorted
        return ids, np.bincount(np.arange(len(ids)), weights=vals)
    uniq, inv = np.unique(ids, return_inverse=True)
    return uniq, np.bincount(inv, weights=vals)


def dense(vec: Vec, ncol: int) -> np.ndarray:
    out = np.zeros(ncol)
    np.add.at(out, vec[0], vec[1])
    return out


def _mask(size: int, index: dict[str, int], names) -> np.ndarray:
    """Selected positions: every one when `names` is None, else those named."""
    if names is None:
        return np.ones(size, dtype=bool)
    mask = np.zeros(size, dtype=bool)
    mask[[index[n] for n in names]] = True
    return mask
