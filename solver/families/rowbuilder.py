"""The RowBuilder the families append to, and row shapes several families share.

Every family appends its rows in bulk: coefficient triplets in SI units
(scaling happens once, in lower.py), row bounds and the keys that map each row
back to spec names.
"""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import Relax, RowKind
from suanli.solver.families.text import caps_text, item
from suanli.solver.sparse import Family

INF = np.inf


class RowBuilder:
    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.families: list[Family] = []
        self.n = 0

    def add(self, kind: RowKind, rows, cols, vals, lb, ub, keys=None, meta=None) -> None:
        self._add(kind.name, rows, cols, vals, lb, ub, keys or {}, meta or {})

    def append_block(self, local: RowBuilder, offset: int, year: int) -> None:
        """Every family of `local` (one year's block), its columns shifted by `offset`."""
        for k, fam in enumerate(local.families):
            self._add(fam.kind, local.r[k] - fam.start, local.c[k] + offset, local.v[k], local.lb[k],
                      local.ub[k], fam.keys, {**fam.meta, "year": year})

    def _add(self, kind: str, rows, cols, vals, lb, ub, keys: dict, meta: dict) -> None:
        lb, ub = np.asarray(lb, dtype=float), np.asarray(ub, dtype=float)
        count = len(lb)
        if count == 0:
            return
        self.r.append(np.asarray(rows, dtype=np.int64) + self.n)
        self.c.append(np.asarray(cols, dtype=np.int64))
        self.v.append(np.asarray(vals, dtype=float))
        self.lb.append(lb)
        self.ub.append(ub)
        self.families.append(Family(kind, self.n, self.n + count, keys, meta))
        self.n += count


def keyed_rows(rb, kind: RowKind, demand: tuple, capacity: tuple, split) -> None:
    """Rows `demand(key) - capacity(key) <= 0`, one per key that has demand.
    `demand` and `capacity` are (keys, columns, coefficients) triplets."""
    dem_keys, dem_cols, dem_vals = demand
    cap_keys, cap_cols, cap_vals = capacity
    uniq = np.unique(dem_keys)
    if len(uniq) == 0:
        return
    dem_rows = np.searchsorted(uniq, dem_keys)
    pos = np.searchsorted(uniq, cap_keys)
    hit = pos < len(uniq)
    hit[hit] = uniq[pos[hit]] == cap_keys[hit]
    rows = np.concatenate([dem_rows, pos[hit]])
    cols = np.concatenate([dem_cols, cap_cols[hit]])
    vals = np.concatenate([dem_vals, cap_vals[hit]])
    rb.add(kind, rows, cols, vals, np.full(len(uniq), -INF), np.zeros(len(uniq)), split(uniq))


def region_need_rows(rb, kind: RowKind, ix, c, attr: str, per_node: np.ndarray, extra=None) -> None:
    """Per region: the demands' and jobs' `attr` (x- and y-weighted, plus `extra`
    (region, column, amount) entries) <= `per_node` x the nodes installed there."""
    p = ix.program
    need = np.array([getattr(s, attr) for s in p.services], dtype=float)
    jneed = np.array([getattr(j, attr) for j in p.jobs], dtype=float)
    xs = np.flatnonzero(need[c.x_d] > 0) if len(c.x_d) else np.zeros(0, dtype=np.int64)
    ys = np.flatnonzero(jneed[c.y_j] > 0) if len(c.y_j) else np.zeros(0, dtype=np.int64)
    er, ec, ev = extra if extra is not None else (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0),)
    have = per_node[c.n_t]
    ns = np.flatnonzero(have > 0)
    keyed_rows(rb, kind, (np.concatenate([c.x_r[xs], c.y_r[ys], er]), np.concatenate([c.x0 + xs, c.y0 + ys, ec]),
                          np.concatenate([need[c.x_d[xs]], jneed[c.y_j[ys]], ev])),
               (c.n_r[ns], c.n0 + ns, -have[ns]), lambda k: {"r": k})


def region_need_kind(name: str, unit: str, factor: float) -> RowKind:
    """The RowKind of region_need_rows: `name(region)` rows, short by so many `unit`s
    (SI / `factor`), whose capacity is nodes in the region."""
    def names(nm, K) -> list[str]:
        return [f"{name}({nm.region[r]})" for r in K["r"]]

    def describe(program, fam, k, amount, sign):
        reg = program.regions[fam.keys["r"][k]]
        v = amount / factor
        return item(f"{name}({reg.name})", reg.span, v, unit,
                    f"{name} in {reg.name} short by {v:.6g} {unit}{caps_text(program, reg)}")

    return RowKind(name, names, Relax(), describe, needs_nodes=True)
