"""The solver-neutral program: one sparse MILP held in numpy arrays.

Every backend is fed from this form only, so HiGHS, CBC, the LP/MPS writers
and the explain/shadow re-solves all see exactly the same numbers. Rows and
the objective are already scaled (see lower.py); `row_scale` and `obj_scale`
map them back to SI units of the IR.

Names are ASCII and generated lazily (`names.py`) from the family key arrays:
a 20 000-demand spec never formats strings unless a file is written or CBC
is asked to solve.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Optional

import numpy as np


@dataclass
class Family:
    """A contiguous block of columns or rows of one kind, e.g. all x[d,r].

    `keys` holds one int array per key part (e.g. {"d": ..., "r": ...}),
    aligned with the block; `meta` carries what reports need (statement
    index, unit)."""

    kind: str
    start: int
    stop: int
    keys: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass
class SparseProgram:
    sense: str  # "minimize" | "maximize"
    cost: np.ndarray  # scaled objective coefficients
    offset: float  # scaled objective constant
    obj_scale: float  # objective unit: SI objective = scaled * obj_scale
    col_lb: np.ndarray
    col_ub: np.ndarray
    integer: np.ndarray  # bool
    row_lb: np.ndarray
    row_ub: np.ndarray
    row_scale: np.ndarray  # scaled row = SI row * row_scale
    indptr: np.ndarray  # CSR by rows
    indices: np.ndarray
    values: np.ndarray
    col_families: list[Family]
    row_families: list[Family]
    names_ctx: object = None  # naming context (names.Namer), set by lower
    metrics: object = None  # linmetrics.MetricVectors of the lowering, set by lower
    notes: list[str] = field(default_factory=list)  # scaling / big-M warnings
    relaxed: bool = False

    @property
    def ncol(self) -> int:
        return len(self.cost)

    @property
    def nrow(self) -> int:
        return len(self.row_lb)

    @property
    def nnz(self) -> int:
        return len(self.values)

    def family(self, kind: str, rows: bool = False) -> Optional[Family]:
        for fam in self.row_families if rows else self.col_families:
            if fam.kind == kind:
                return fam
        return None

    def families(self, kind: str, rows: bool = True) -> list[Family]:
        return [f for f in (self.row_families if rows else self.col_families) if f.kind == kind]

    def replace(self, **changes) -> "SparseProgram":
        return dataclasses.replace(self, **changes)

    def row_of(self) -> np.ndarray:
        """The row index of every nonzero (COO rows)."""
        return np.repeat(np.arange(self.nrow), np.diff(self.indptr))

    def activity(self, x: np.ndarray) -> np.ndarray:
        """A @ x in scaled row units."""
        prod = self.values * x[self.indices]
        return np.bincount(self.row_of(), weights=prod, minlength=self.nrow)

    def objective_value(self, x: np.ndarray) -> float:
        """The objective in SI units of the IR."""
        return float((self.cost @ x + self.offset) * self.obj_scale)

    def with_rows(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray,
                  lb: np.ndarray, ub: np.ndarray, family: Family) -> "SparseProgram":
        """A copy with extra rows appended (rows numbered from 0 locally)."""
        base = self.nrow
        r_all = np.concatenate([self.row_of(), rows + base])
        c_all = np.concatenate([self.indices, cols])
        v_all = np.concatenate([self.values, vals])
        indptr, indices, values = to_csr(r_all, c_all, v_all, base + len(lb))
        fam = dataclasses.replace(family, start=base, stop=base + len(lb))
        return self.replace(
            row_lb=np.concatenate([self.row_lb, lb]), row_ub=np.concatenate([self.row_ub, ub]),
            row_scale=np.concatenate([self.row_scale, np.ones(len(lb))]),
            indptr=indptr, indices=indices, values=values,
            row_families=self.row_families + [fam])

    def with_cols(self, n: int, cost: np.ndarray, lb: np.ndarray, ub: np.ndarray,
                  rows: np.ndarray, vals: np.ndarray, family: Family) -> "SparseProgram":
        """A copy with `n` continuous columns appended; entry k sits in row
        rows[k] of new column family-local index k (one entry per column)."""
        base = self.ncol
        r_all = np.concatenate([self.row_of(), rows])
        c_all = np.concatenate([self.indices, base + np.arange(n)])
        v_all = np.concatenate([self.values, vals])
        indptr, indices, values = to_csr(r_all, c_all, v_all, self.nrow)
        fam = dataclasses.replace(family, start=base, stop=base + n)
        return self.replace(
            cost=np.concatenate([self.cost, cost]), col_lb=np.concatenate([self.col_lb, lb]),
            col_ub=np.concatenate([self.col_ub, ub]),
            integer=np.concatenate([self.integer, np.zeros(n, dtype=bool)]),
            indptr=indptr, indices=indices, values=values, col_families=self.col_families + [fam])


def to_csr(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, nrow: int):
    """COO -> CSR with duplicates summed (in input order) and explicit zeros
    dropped; entries sorted by (row, column)."""
    if len(rows) == 0:
        return np.zeros(nrow + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    coo = SortedCoo(rows, cols)
    return coo.csr(coo.gather(vals), nrow)


class SortedCoo:
    """COO entries in stable (row, column) order -- exactly the order of
    `np.lexsort((cols, rows))`, only faster: one int64 key row * ncol + col,
    not sorted at all when already in order, and when key and entry number
    fit in 64 bits together, a plain sort of key << bits | number (stable by
    construction; no gather of rows and columns)."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray):
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        self.ncol = int(cols.max()) + 1
        self.r0 = int(rows.min())
        span = (int(rows.max()) - self.r0 + 1) * self.ncol
        if span >= 2 ** 63:  # beyond one int64 key (never in practice): lexsort
            self.order = np.lexsort((cols, rows))
            self.key, self._rc = None, (rows[self.order], cols[self.order])
            return
        key = rows - self.r0
        key *= self.ncol
        key += cols
        self.key, self.order = _sort_key(key, span)

    def gather(self, vals: np.ndarray) -> np.ndarray:
        """Values in the sorted order (always a new array)."""
        vals = np.asarray(vals, dtype=float)
        return vals.copy() if self.order is None else vals[self.order]

    def rows(self) -> np.ndarray:
        """Row of each sorted entry."""
        return self._rc[0] if self.key is None else self.key // self.ncol + self.r0

    def row_starts(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows that have entries, where each one's entries start)."""
        rows = self.rows()
        first = np.empty(len(rows), dtype=bool)
        first[0] = True
        np.not_equal(rows[1:], rows[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        return rows[starts], starts

    def csr(self, vals: np.ndarray, nrow: int):
        """(indptr, indices, values): duplicates summed in input order, zeros dropped."""
        if self.key is None:
            rows, cols = self._rc
            new = np.ones(len(rows), dtype=bool)
            new[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        else:
            key = self.key
            new = np.empty(len(key), dtype=bool)
            new[0] = True
            np.not_equal(key[1:], key[:-1], out=new[1:])
        if not new.all():
            vals = np.bincount(np.cumsum(new) - 1, weights=vals)
        keep = vals != 0
        keep_all = keep.all()
        if not keep_all:
            vals = vals[keep]
        if self.key is None:
            rows, cols = (a[new][keep] for a in self._rc)
        else:
            key = key if new.all() else key[new]
            rows, cols = np.divmod(key if keep_all else key[keep], self.ncol)
            rows += self.r0
        indptr = np.zeros(nrow + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=nrow), out=indptr[1:])
        return indptr, cols, vals


def _sort_key(key: np.ndarray, span: int):
    """(sorted key, permutation of a stable sort); permutation None if sorted."""
    if not (key[1:] < key[:-1]).any():
        return key, None
    n = len(key)
    bits = max(1, (n - 1).bit_length())
    if span.bit_length() + bits > 64:
        order = np.argsort(key, kind="stable")
        return key[order], order
    packed = key.astype(np.uint64)
    packed <<= np.uint64(bits)
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort()
    order = (packed & np.uint64((1 << bits) - 1)).astype(np.int64)
    packed >>= np.uint64(bits)
    return packed.view(np.int64), order
