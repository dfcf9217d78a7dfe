"""The least-latency paths of a program, stored as arrays (one row per origin).

A spec with 1,000 origins and 1,100 regions has 1.1 million (origin, region)
paths; as Python objects they cost seconds and hundreds of MB before anyone
reads them. The table keeps, per origin row, the latency and transfer cost
of each region's path (floats, exactly what `float(Fraction)` of the exact sums
gives), the exact latency as an integer over `lat_den` (for inclusive
`max_latency` checks, within 1e-9 relative: path_ties.py) and the predecessor
of each region on its path: the chosen paths from one origin form a tree, so
the predecessors give every hop list.

It is a read-only sequence of `ir.Path` in the order the IR always had: origins
by name, then destinations by name; `Path` objects are built only when read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction

import numpy as np

from suanli.compiler.path_ties import within_limit_bound

ROOT = -1  # pred of the origin itself
NONE = -2  # pred of a region the origin cannot reach


class PathTable(Sequence):
    def __init__(self, names: tuple[str, ...], origins: tuple[str, ...], pred: np.ndarray,
                 latency: np.ndarray, cost: np.ndarray, lat_key: np.ndarray, lat_den: int):
        self.names = names  # graph regions, sorted by code point
        self.index = {n: i for i, n in enumerate(names)}
        self.origins = origins  # sorted
        self.row = {o: k for k, o in enumerate(origins)}
        self.pred, self.latency, self.cost = pred, latency, cost  # [origin, region]
        self.lat_key, self.lat_den = lat_key, lat_den  # exact latency = lat_key / lat_den
        self._flat: tuple | None = None

    # -- lookups used by the compiler -------------------------------------------------------
    def reachable(self, origin: str) -> set[str]:
        """Regions reachable from `origin` (itself included, even without links)."""
        if origin not in self.row:
            return set()
        row = self.pred[self.row[origin]]
        return {self.names[i] for i in np.flatnonzero(row != NONE)}

    def reach_count(self, origin: str) -> int:
        return int(np.count_nonzero(self.pred[self.row[origin]] != NONE)) if origin in self.row else 0

    def within(self, origin: str, limit: Fraction) -> set[str]:
        """Reachable regions with latency <= limit, or tied with it (1e-9 relative, exactly)."""
        if origin not in self.row:
            return set()
        k = self.row[origin]
        bound = within_limit_bound(limit, self.lat_den)  # keys are integers
        if self.lat_key.dtype != object:
            bound = min(bound, np.iinfo(self.lat_key.dtype).max)
        ok = (self.pred[k] != NONE) & (self.lat_key[k] <= bound)
        return {self.names[i] for i in np.flatnonzero(ok)}

    def exact_latency(self, origin: str, dest: str) -> Fraction:
        return Fraction(int(self.lat_key[self.row[origin], self.index[dest]]), self.lat_den)

    def hops(self, origin: str, dest: str) -> tuple[str, ...]:
        k, i = self.row[origin], self.index[dest]
        pred, out = self.pred[k], [i]
        while pred[out[-1]] >= 0:
            out.append(int(pred[out[-1]]))
        return tuple(self.names[j] for j in reversed(out))

    # -- the IR's sequence of Path ----------------------------------------------------------
    def _origin_paths(self, k: int):
        from suanli.compiler.ir import Path
        origin, pred, names = self.origins[k], self.pred[k].tolist(), self.names
        lat, cost = self.latency[k].tolist(), self.cost[k].tolist()
        hops: dict[int, tuple[str, ...]] = {}
        for i in range(len(names)):
            if pred[i] != NONE:
                _walk(i, pred, names, origin, hops)
        return [Path.model_construct(origin=origin, dest=names[i], latency=lat[i], transfer_cost=cost[i],
                                     hops=hops[i]) for i in sorted(hops)]

    def __iter__(self) -> Iterator:
        for k in range(len(self.origins)):
            yield from self._origin_paths(k)

    def __len__(self) -> int:
        return int(np.count_nonzero(self.pred != NONE))

    def __getitem__(self, i):
        if self._flat is None:
            self._flat = tuple(self)
        return self._flat[i]

    def __eq__(self, other) -> bool:
        """Equal as sequences of Path (what the IR means), however each side is stored."""
        if isinstance(other, (PathTable, tuple)):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.origins, len(self)))

    def __repr__(self) -> str:
        return f"PathTable({len(self.origins)} origins x {len(self.names)} regions)"


def _walk(i: int, pred: list[int], names, origin: str, hops: dict) -> None:
    """hops[i] from the first ancestor whose hops are known (each region's list is built once)."""
    chain = []
    while i not in hops and pred[i] != ROOT:
        chain.append(i)
        i = pred[i]
    if i not in hops:
        hops[i] = (origin,)
    for j in reversed(chain):
        hops[j] = hops[pred[j]] + (names[j],)
