"""Robust plans (LANGUAGE.md §10): one build for several scenarios.

Each scenario's program is lowered on its own (single-scenario lowering is
untouched); the programs are then stacked into one SparseProgram:

    columns  [ n[r,t] | open[r] | scenario 1's other columns | scenario 2's ... | eta ]
    rows     scenario 1's rows, scenario 2's rows, ... (each on its own columns,
             n and open remapped to the shared block), then the epigraph rows

A multi-year program (§8, year_lower.py) shares every year's n[r,t,y] and
open[r,y] and the builds b[r,t,y]; the rows that hold on shared columns only
(`installed`, `stay_open`) are kept once, and must be the same in every
scenario (a scenario that changes a node type's lifetime is refused).

n and open are shared (their bounds are the intersection of the scenarios'
bounds); placements x, y (and any other column family) belong to one scenario;
constraints 1-8 hold per scenario with its values. Objective, with z_k the
objective of scenario k in its unit:
- `mean`: minimise (1/K) * sum_k z_k;
- `max`: minimise eta with z_k <= eta for every k (the worst scenario); for a
  maximised objective, the worst is the least: maximise eta with z_k >= eta.
Rows keep each scenario's scaling; the objective is put on one common scale.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

import numpy as np

from suanli.solver.families.sites import SITE, SITE_BUILD
from suanli.solver.sparse import Family, SparseProgram, to_csr

SHARED = ("n", "open", "b")  # column families of the build (b: multi-year builds)
SHARED_ROWS = ("installed", "stay_open")  # multi-year rows on shared columns only: kept once
SITE_ROWS = (SITE.name, SITE_BUILD.name)  # replaced by one shared block (the largest M)
OBJECTIVES = ("mean", "max")
SITES_DIFFER = ("the scenarios differ in which regions have a site cost; a robust plan needs the same "
                "sites in every scenario")


class RobustError(ValueError):
    """The scenarios cannot share one build (their build options differ)."""


@dataclass
class Stack:
    sp: SparseProgram
    parts: list[SparseProgram]
    colmap: list[np.ndarray]  # per scenario: its column -> stacked column
    rowstart: list[int]  # per scenario: first stacked row of its block
    objective: str
    scale: float  # common objective scale (SI objective = scaled * scale)

    def part_x(self, k: int, x: np.ndarray) -> np.ndarray:
        return x[self.colmap[k]]

    def objectives(self, x: np.ndarray) -> list[float]:
        """Each scenario's objective, SI units of the IR."""
        return [p.objective_value(self.part_x(k, x)) for k, p in enumerate(self.parts)]


def stack(parts: list[SparseProgram], objective: str = "mean") -> Stack:
    if objective not in OBJECTIVES:
        raise ValueError(f"robust objective must be one of {OBJECTIVES}")
    shared = _shared_block(parts)
    ncol = sum(len(f) for f in shared)
    colmap, own_families = [], []
    for k, part in enumerate(parts):
        cmap = np.full(part.ncol, -1, dtype=np.int64)
        for fam, mine in zip(shared, _build_families(part)):
            cmap[mine.start:mine.stop] = np.arange(fam.start, fam.stop)
        for fam in part.col_families:
            if fam.kind in SHARED:
                continue
            cmap[fam.start:fam.stop] = np.arange(ncol, ncol + len(fam))
            own_families.append(dataclasses.replace(fam, start=ncol, stop=ncol + len(fam),
                                                    meta={**fam.meta, "scenario": k}))
            ncol += len(fam)
        colmap.append(cmap)
    return _assemble(parts, shared, own_families, colmap, ncol, objective)


def _build_families(part: SparseProgram) -> list[Family]:
    """n, open (then b), in column order: one of each, or one per year with years."""
    return [f for f in part.col_families if f.kind in SHARED]


def _shared_block(parts: list[SparseProgram]) -> list[Family]:
    """The build families of the first scenario, placed first; every scenario must have
    the same keys (the same regions and buildable (region, type) pairs, the same years)."""
    out, start = [], 0
    firsts = _build_families(parts[0])
    for part in parts[1:]:
        mine = _build_families(part)
        if len(mine) != len(firsts) or not all(_same_family(a, b) for a, b in zip(firsts, mine)):
            kinds = "/".join(sorted({f.kind for f in firsts}))
            raise RobustError(f"the scenarios differ in where node types may be built ({kinds}); "
                              "a robust plan needs the same build options in every scenario")
    for first in firsts:
        out.append(dataclasses.replace(first, start=start, stop=start + len(first)))
        start += len(first)
    return out


def _same_family(a: Family, b: Family) -> bool:
    return (a.kind == b.kind and len(a) == len(b) and a.meta.get("year") == b.meta.get("year")
            and a.keys.keys() == b.keys.keys() and all(np.array_equal(a.keys[k], b.keys[k]) for k in a.keys))


def _assemble(parts, shared, own_families, colmap, ncol, objective) -> Stack:
    lb, ub, integer = _col_bounds(parts, colmap, ncol, shared[-1].stop)
    block, families, rowstart, nrow = _stack_rows(parts, colmap)
    rows, cols, vals, row_lb, row_ub, row_scale = block
    scale = max(p.obj_scale for p in parts)
    cost, offset = _objective_terms(parts, colmap, ncol, scale)
    indptr, indices, values = to_csr(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), nrow)
    sp = SparseProgram(
        sense=parts[0].sense, cost=np.zeros(ncol), offset=0.0, obj_scale=scale, col_lb=lb, col_ub=ub,
        integer=integer, row_lb=np.concatenate(row_lb), row_ub=np.concatenate(row_ub),
        row_scale=np.concatenate(row_scale), indptr=indptr, indices=indices, values=values,
        col_families=shared + own_families, row_families=families,
        notes=sorted({note for p in parts for note in p.notes}), relaxed=parts[0].relaxed)
    sp = _with_objective(sp, cost, offset, objective)
    return Stack(sp, parts, colmap, rowstart, objective, scale)


def _col_bounds(parts, colmap, ncol: int, nshared: int):
    """Shared columns: the intersection of the scenarios' bounds; integer if any says so."""
    lb, ub, integer = np.zeros(ncol), np.zeros(ncol), np.zeros(ncol, dtype=bool)
    lb[:nshared], ub[:nshared] = -np.inf, np.inf
    for part, cmap in zip(parts, colmap):
        is_shared = cmap < nshared
        lb[cmap] = np.where(is_shared, np.maximum(lb[cmap], part.col_lb), part.col_lb)
        ub[cmap] = np.where(is_shared, np.minimum(ub[cmap], part.col_ub), part.col_ub)
        integer[cmap] |= part.integer
    return lb, ub, integer


def _stack_rows(parts, colmap):
    """Every scenario's rows on the stacked columns, its site rows replaced by one shared block
    and the rows on shared columns only kept once: ((rows, cols, vals, row_lb, row_ub, row_scale)
    lists, families, each scenario's first row, nrow)."""
    _check_shared_rows(parts, colmap)
    block = tuple([] for _ in range(6))
    families, rowstart, base = [], [], 0
    for k, (part, cmap) in enumerate(zip(parts, colmap)):
        rowstart.append(base)
        kept_fams = [f for f in part.row_families if _kept(f, k)]
        keep = np.zeros(part.nrow, dtype=bool)
        for fam in kept_fams:
            keep[fam.start:fam.stop] = True
        new_row = np.cumsum(keep) - 1 + base
        entry_rows = part.row_of()
        kept = keep[entry_rows]
        for into, piece in zip(block, (new_row[entry_rows[kept]], cmap[part.indices[kept]], part.values[kept],
                                       part.row_lb[keep], part.row_ub[keep], part.row_scale[keep])):
            into.append(piece)
        families += [_moved_rows(fam, int(new_row[fam.start]) if len(fam) else base, k, cmap)
                     for fam in kept_fams]
        base += int(keep.sum())
    years = any(f.kind == "b" for f in parts[0].col_families)
    for site in (_shared_year_sites(parts, colmap, base) if years else [_shared_sites(parts, colmap, base)]):
        if site is None:
            continue
        fam, *pieces = site
        for into, piece in zip(block, pieces):
            into.append(piece)
        families.append(fam)
        base += len(fam)
    return block, families, rowstart, base


def _kept(fam: Family, k: int) -> bool:
    return fam.kind not in SITE_ROWS and not (k > 0 and fam.kind in SHARED_ROWS)


def _moved_rows(fam: Family, start: int, k: int, cmap: np.ndarray) -> Family:
    meta = {**fam.meta, "scenario": k}
    if "pairs" in meta:  # stay_open: (open[r,y-1], open[r,y]) columns
        meta["pairs"] = [(int(cmap[a]), int(cmap[b])) for a, b in meta["pairs"]]
    return dataclasses.replace(fam, start=start, stop=start + len(fam), meta=meta)


def _check_shared_rows(parts, colmap) -> None:
    """The rows on shared columns only must be one and the same in every scenario."""
    for kind in SHARED_ROWS:
        first = _row_block(parts[0], colmap[0], kind)
        for part, cmap in zip(parts[1:], colmap[1:]):
            mine = _row_block(part, cmap, kind)
            if len(mine[0]) != len(first[0]) or not all(np.array_equal(a, b) for a, b in zip(first, mine)):
                what = "node lifetimes" if kind == "installed" else "sites"
                raise RobustError(f"the scenarios differ in {what}; a robust build-out needs the same "
                                  "in every scenario")


def _row_block(part: SparseProgram, cmap: np.ndarray, kind: str):
    """(row pointers, stacked columns, values, lower, upper) of the rows of `kind`."""
    fams = part.families(kind)
    rows = np.concatenate([np.arange(f.start, f.stop) for f in fams]) if fams else np.zeros(0, dtype=np.int64)
    starts, stops = part.indptr[rows], part.indptr[rows + 1]
    entries = np.concatenate([np.arange(a, b) for a, b in zip(starts, stops)]) if len(rows) else rows
    return (stops - starts, cmap[part.indices[entries]], part.values[entries], part.row_lb[rows],
            part.row_ub[rows])


def _shared_year_sites(parts, colmap, base: int) -> list:
    """Multi-year site rows (year_lower._site_rows): b[r,t,q] <= M*open[r,q] and
    n[r,t,y] <= M*open[r,y], one block per family of the first scenario, M the
    largest of the scenarios' (as _shared_sites says, for the same reason)."""
    per_part = [[f for f in p.row_families if f.kind in SITE_ROWS] for p in parts]
    if any(len(fams) != len(per_part[0]) for fams in per_part):
        raise RobustError(SITES_DIFFER)
    out = []
    for i, first in enumerate(per_part[0]):
        mapped = [(cmap[fams[i].meta["n_col"]], cmap[fams[i].meta["open_col"]], fams[i])
                  for fams, cmap in zip(per_part, colmap)]
        n_col, open_col, _ = mapped[0]
        if any(not (np.array_equal(n, n_col) and np.array_equal(o, open_col)) for n, o, _ in mapped):
            raise RobustError(SITES_DIFFER)
        m = np.max([f.meta["M"] for _, _, f in mapped], axis=0)
        fallback = np.any([f.meta["fallback"] for _, _, f in mapped], axis=0)
        k = len(first)
        scale = 10.0 ** (-np.floor(np.log10(np.maximum(m, 1.0))))
        fam = Family(first.kind, base, base + k, first.keys,
                     {**first.meta, "M": m, "fallback": fallback, "n_col": n_col, "open_col": open_col})
        out.append((fam, np.concatenate([np.arange(k), np.arange(k)]) + base, np.concatenate([n_col, open_col]),
                    np.concatenate([scale, -m * scale]), np.full(k, -np.inf), np.zeros(k), scale))
        base += k
    return out


def _shared_sites(parts, colmap, base: int):
    """One site row n[r,t] <= M * open[r] per shared n column, M the largest of the scenarios' M.

    Each scenario's M is the least bound valid for *its* optimum (families/sites.py: more type-t nodes in
    r than could host everything placeable there never pay). A shared build may need the largest
    of those, and more than that helps no scenario, so the largest M keeps every robust optimum.
    """
    M, fallback = {}, {}
    for part, cmap in zip(parts, colmap):
        for fam in part.families(SITE.name):
            for n, m, fb in zip(cmap[fam.keys["n"]].tolist(), fam.meta["M"].tolist(), fam.meta["fallback"].tolist()):
                M[n] = max(M.get(n, 0.0), m)
                fallback[n] = fallback.get(n, False) or fb
    if not M:
        return None
    first = next(f for p in parts for f in p.families(SITE.name))
    n_fam, open_fam = parts[0].family("n"), parts[0].family("open")
    n_cols = np.array(sorted(M), dtype=np.int64)
    m = np.array([M[c] for c in n_cols.tolist()])
    reg = n_fam.keys["r"][n_cols]  # shared n block starts at column 0 in the scenarios' order
    open_pos = -np.ones(1 + int(open_fam.keys["r"].max()), dtype=np.int64)
    open_pos[open_fam.keys["r"]] = np.arange(len(open_fam))
    open_cols = len(n_fam) + open_pos[reg]
    k = len(n_cols)
    scale = 10.0 ** (-np.floor(np.log10(np.maximum(m, 1.0))))
    rows = np.concatenate([np.arange(k), np.arange(k)]) + base
    cols = np.concatenate([n_cols, open_cols])
    vals = np.concatenate([scale, -m * scale])
    fam = Family(SITE.name, base, base + k, {"n": n_cols, "r": reg, "t": n_fam.keys["t"][n_cols]},
                 {**{key: v for key, v in first.meta.items() if key not in ("M", "fallback")},
                  "M": m, "fallback": np.array([fallback[c] for c in n_cols.tolist()])})
    return fam, rows, cols, vals, np.full(k, -np.inf), np.zeros(k), scale


def _objective_terms(parts, colmap, ncol, scale):
    """Each scenario's objective on the stacked columns, in the common scale: (K x ncol, K)."""
    cost = np.zeros((len(parts), ncol))
    offset = np.zeros(len(parts))
    for k, (part, cmap) in enumerate(zip(parts, colmap)):
        factor = part.obj_scale / scale
        np.add.at(cost[k], cmap, part.cost * factor)
        offset[k] = part.offset * factor
    return cost, offset


def _with_objective(sp: SparseProgram, cost: np.ndarray, offset: np.ndarray, objective: str) -> SparseProgram:
    K = len(offset)
    if objective == "mean":
        return sp.replace(cost=cost.sum(axis=0) / K, offset=float(offset.sum() / K))
    # epigraph: z_k - eta <= 0 (minimise) or z_k - eta >= 0 (maximise), z_k = cost_k x + offset_k
    minimize = sp.sense == "minimize"
    eta, base = sp.ncol, sp.nrow
    ks, cs = np.nonzero(cost)
    rows = np.concatenate([ks, np.arange(K)]) + base
    cols = np.concatenate([cs, np.full(K, eta)])
    vals = np.concatenate([cost[ks, cs], -np.ones(K)])
    indptr, indices, values = to_csr(np.concatenate([sp.row_of(), rows]), np.concatenate([sp.indices, cols]),
                                     np.concatenate([sp.values, vals]), base + K)
    lb = np.full(K, -np.inf) if minimize else -offset
    ub = -offset if minimize else np.full(K, np.inf)
    objective_cost = np.zeros(eta + 1)
    objective_cost[eta] = 1.0
    return sp.replace(
        cost=objective_cost, offset=0.0, indptr=indptr, indices=indices, values=values,
        col_lb=np.append(sp.col_lb, -np.inf), col_ub=np.append(sp.col_ub, np.inf),
        integer=np.append(sp.integer, False), row_lb=np.concatenate([sp.row_lb, lb]),
        row_ub=np.concatenate([sp.row_ub, ub]), row_scale=np.concatenate([sp.row_scale, np.ones(K)]),
        col_families=sp.col_families + [Family("eta", eta, eta + 1)],
        row_families=sp.row_families + [Family("robust_epigraph", base, base + K)])


def robust_objective(values: list[float], objective: str, sense: str) -> Optional[float]:
    """The robust objective of the scenarios' objectives (None if any is missing)."""
    if not values or any(v is None for v in values):
        return None
    if objective == "mean":
        return sum(values) / len(values)
    return max(values) if sense == "minimize" else min(values)
