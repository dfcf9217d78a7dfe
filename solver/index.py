"""Entity indexes shared by lowering, evaluation and verification.

Everything is derived from the IR once: name -> index maps, per-region and
per-type arrays in SI units, the directed link table and the path map. Both
the LP side (lower.py) and the independent plan side (evaluate.py, verify.py)
read the same facts, so a disagreement between them is a bug in one of the
formulas, never in the bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from suanli.compiler.ir import Program


@dataclass(frozen=True)
class PathFacts:
    latency: float  # s
    cost: float  # currency per B
    edges: tuple[int, ...]  # directed edge ids along the path


@dataclass
class Index:
    program: Program
    region_ix: dict[str, int] = field(init=False)
    type_ix: dict[str, int] = field(init=False)
    class_ix: dict[str, int] = field(init=False)
    service_ix: dict[str, int] = field(init=False)
    job_ix: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        p = self.program
        self.region_ix = {r.name: i for i, r in enumerate(p.regions)}
        self.type_ix = {t.name: i for i, t in enumerate(p.node_types)}
        classes = {t.cls for t in p.node_types} | {s.cls for s in p.services} | {j.cls for j in p.jobs}
        self.class_ix = {c: i for i, c in enumerate(sorted(classes))}
        self.service_ix = {s.name: i for i, s in enumerate(p.services)}
        self.job_ix = {j.name: i for i, j in enumerate(p.jobs)}

    # ---- per-region / per-type arrays (SI units) -------------------------
    def _region_attr(self, name: str, default: float = np.inf) -> np.ndarray:
        vals = [getattr(r, name) for r in self.program.regions]
        return np.array([default if v is None else float(v) for v in vals], dtype=float)

    def _type_attr(self, name: str) -> np.ndarray:
        return np.array([float(getattr(t, name)) for t in self.program.node_types], dtype=float)

    @cached_property
    def pue(self) -> np.ndarray:
        return self._region_attr("pue")

    @cached_property
    def power_price(self) -> np.ndarray:
        return self._region_attr("power_price")

    @cached_property
    def carbon_intensity(self) -> np.ndarray:
        return self._region_attr("carbon_intensity")

    @cached_property
    def renewable(self) -> np.ndarray:
        return self._region_attr("renewable")

    @cached_property
    def site_cost(self) -> np.ndarray:
        return self._region_attr("site_cost")

    @cached_property
    def power_cap(self) -> np.ndarray:
        return self._region_attr("power_cap")

    @cached_property
    def max_nodes(self) -> np.ndarray:
        return self._region_attr("max_nodes")

    @cached_property
    def t_compute(self) -> np.ndarray:
        return self._type_attr("compute")

    @cached_property
    def t_storage(self) -> np.ndarray:
        return self._type_attr("storage")

    @cached_property
    def t_memory(self) -> np.ndarray:
        return self._type_attr("memory")

    @cached_property
    def t_power(self) -> np.ndarray:
        return self._type_attr("power")

    @cached_property
    def t_class(self) -> np.ndarray:
        return np.array([self.class_ix[t.cls] for t in self.program.node_types], dtype=np.int64)

    @cached_property
    def t_max_per_region(self) -> np.ndarray:
        vals = [t.max_per_region for t in self.program.node_types]
        return np.array([np.inf if v is None else float(v) for v in vals], dtype=float)

    @cached_property
    def t_unit_cost(self) -> np.ndarray:
        """capex share + opex of one node over the horizon, currency."""
        H = self.program.settings.horizon
        return np.array([t.capex * H / t.lifetime + t.opex * H for t in self.program.node_types], dtype=float)

    @cached_property
    def buildable(self) -> np.ndarray:
        """buildable[r, t]: node type t may be built in region r."""
        out = np.zeros((len(self.program.regions), len(self.program.node_types)), dtype=bool)
        for t, nt in enumerate(self.program.node_types):
            for name in nt.regions:
                if name in self.region_ix:
                    out[self.region_ix[name], t] = True
        return out

    @cached_property
    def has_class_compute(self) -> np.ndarray:
        """[r, c]: some type of class c with compute > 0 is buildable in r."""
        out = np.zeros((len(self.program.regions), max(1, len(self.class_ix))), dtype=bool)
        for t in np.flatnonzero(self.t_compute > 0):
            out[:, self.t_class[t]] |= self.buildable[:, t]
        return out

    @cached_property
    def has_storage(self) -> np.ndarray:
        return (self.buildable & (self.t_storage > 0)[None, :]).any(axis=1)

    @cached_property
    def has_memory(self) -> np.ndarray:
        """[r]: some type with memory > 0 is buildable in r (§9)."""
        return (self.buildable & (self.t_memory > 0)[None, :]).any(axis=1)

    # ---- links and paths ------------------------------------------------
    @cached_property
    def edges(self) -> list[tuple[int, str, str]]:
        """Directed edges: id 2k is link k as declared (a->b), 2k+1 is b->a."""
        out = []
        for k, link in enumerate(self.program.links):
            out.append((k, link.a, link.b))
            out.append((k, link.b, link.a))
        return out

    @cached_property
    def edge_of(self) -> dict[tuple[str, str], int]:
        """(from, to) -> directed edge id of the link a path uses between them.
        Parallel links: the lower latency, then the lower transfer cost."""
        best: dict[tuple[str, str], int] = {}
        links = self.program.links
        for e, (k, a, b) in enumerate(self.edges):
            cur = best.get((a, b))
            key = (links[k].latency, links[k].transfer_cost, k)
            if cur is None or key < (links[cur // 2].latency, links[cur // 2].transfer_cost, cur // 2):
                best[(a, b)] = e
        return best

    @cached_property
    def edge_bandwidth(self) -> np.ndarray:
        vals = [self.program.links[k].bandwidth for k, _, _ in self.edges]
        return np.array([np.inf if v is None else float(v) for v in vals], dtype=float)

    @cached_property
    def pairs(self):
        """Every path of the IR as arrays over region pairs (solver/path_arrays.py)."""
        from suanli.solver.path_arrays import pair_tables
        return pair_tables(self)

    def path(self, origin: str | None, dest: str) -> PathFacts:
        """The path a demand from `origin` served in `dest` uses (none: free)."""
        if origin is None or origin == dest:
            return PathFacts(0.0, 0.0, ())
        R, pairs = len(self.program.regions), self.pairs
        pid = self.region_ix[origin] * R + self.region_ix[dest]
        if not pairs.reached[pid]:
            raise KeyError((origin, dest))
        edges = pairs.edge_ids[pairs.edge_ptr[pid]:pairs.edge_ptr[pid + 1]].tolist()
        return PathFacts(float(pairs.latency[pid]), float(pairs.kappa[pid]), tuple(edges))
