"""Valid inequalities that tighten the MILP's LP relaxation (not §6 rows).

`site_use`: x[d,r] <= open[r] and y[j,r,t] <= open[r] (and z[d,b] <= open[b]
for backup copies, §9), one row per placement column in a region with a site
column, wherever the placement needs nodes there: a service or backup column
that sits in a compute, storage or memory row (a fraction of it in r needs
capacity of nodes in r) and every job column (its parallel row needs N >= 1
nodes in r). Any
placement > 0 then needs n[r,t] >= 1 for some t, so open[r] = 1 by the site
row: every integer plan satisfies the row, and no integer plan is cut off.

Why: the site row n <= M*open lets the LP open a site at n/M (1-3% at bench
M), so the LP bound ignored site costs (72% of the best known plan at M);
with these rows the LP pays open[r] >= the largest placement fraction in r
(99.9% at M; bench/RESULTS.md). The rows are added to the program the MILP
solver sees (`with_site_use`), never to `--relax` (the LP relaxation of §6
as written) nor to the LPs of polishing, shadow prices and explanations,
which see `without_site_use` -- the program of §6 alone.
"""

from __future__ import annotations

import numpy as np

from suanli.solver.families import FAMILIES
from suanli.solver.sparse import Family, SparseProgram

KIND = "site_use"
# rows whose capacity is nodes in the column's region (compute, storage, memory, parallel)
NEEDS_NODES = tuple(kind.name for fam in FAMILIES for kind in fam.rows if kind.needs_nodes)


def site_use_columns(sp: SparseProgram) -> tuple[np.ndarray, np.ndarray]:
    """(placement columns, their region's open column) for the rows above."""
    op = sp.family("open")
    if op is None or not len(op):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    open_col = -np.ones(1 + int(max((f.keys["r"].max(initial=0) for f in sp.col_families
                                     if "r" in f.keys), default=0)), dtype=np.int64)
    open_col[op.keys["r"]] = np.arange(op.start, op.stop)
    needs = _columns_in_rows(sp, NEEDS_NODES)
    cols, opens = [], []
    for kind in ("x", "y", "z"):  # z: a backup copy's storage (§9)
        fam = sp.family(kind)
        if fam is None or not len(fam):
            continue
        ids = np.arange(fam.start, fam.stop)
        oc = open_col[fam.keys["r"]]
        keep = (oc >= 0) & needs[ids]
        cols.append(ids[keep])
        opens.append(oc[keep])
    cat = lambda xs: np.concatenate(xs) if xs else np.zeros(0, dtype=np.int64)
    return cat(cols), cat(opens)


def _columns_in_rows(sp: SparseProgram, kinds) -> np.ndarray:
    hit = np.zeros(sp.ncol, dtype=bool)
    for fam in sp.row_families:
        if fam.kind in kinds and len(fam):
            lo, hi = sp.indptr[fam.start], sp.indptr[fam.stop]
            hit[sp.indices[lo:hi]] = True
    return hit


def with_site_use(sp: SparseProgram) -> SparseProgram:
    """The program plus the `site_use` rows (itself if there are none)."""
    if sp.relaxed or sp.family(KIND, rows=True) is not None:
        return sp
    cols, opens = site_use_columns(sp)
    k = len(cols)
    if k == 0:
        return sp
    # Appended to the CSR arrays directly (sparse.with_rows would re-sort all
    # 16 M entries at bench L): each row is (open column, placement column),
    # already in column order since the open block precedes x and y.
    assert np.all(opens < cols)
    base, nnz = sp.nrow, sp.nnz
    entries = np.empty(2 * k, dtype=sp.indices.dtype)
    entries[0::2], entries[1::2] = opens, cols
    values = np.empty(2 * k)
    values[0::2], values[1::2] = -1.0, 1.0
    fam = Family(KIND, base, base + k, {"col": cols, "open": opens})
    return sp.replace(
        row_lb=np.concatenate([sp.row_lb, np.full(k, -np.inf)]), row_ub=np.concatenate([sp.row_ub, np.zeros(k)]),
        row_scale=np.concatenate([sp.row_scale, np.ones(k)]),
        indptr=np.concatenate([sp.indptr, nnz + 2 * np.arange(1, k + 1, dtype=sp.indptr.dtype)]),
        indices=np.concatenate([sp.indices, entries]), values=np.concatenate([sp.values, values]),
        row_families=sp.row_families + [fam])


def without_site_use(sp: SparseProgram) -> SparseProgram:
    """The program without the `site_use` rows (they are the last family)."""
    fam = sp.family(KIND, rows=True)
    if fam is None:
        return sp
    assert fam.stop == sp.nrow, "site_use rows are appended last"
    end = sp.indptr[fam.start]
    return sp.replace(row_lb=sp.row_lb[:fam.start], row_ub=sp.row_ub[:fam.start],
                      row_scale=sp.row_scale[:fam.start], indptr=sp.indptr[:fam.start + 1],
                      indices=sp.indices[:end], values=sp.values[:end],
                      row_families=[f for f in sp.row_families if f is not fam])
