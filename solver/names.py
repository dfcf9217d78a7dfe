"""ASCII names for columns and rows, generated on demand.

A spec name is used as is when it is an ASCII identifier; otherwise (e.g.
`贵州`) it becomes `<kind letter>.<index>`, which cannot clash with a spec
name because identifiers never contain a dot. Names never start with a digit
or `e`/`E` (the LP format would read a number), use only characters that
the LP and MPS formats, CBC and PuLP accept, and are unique.
"""

from __future__ import annotations

import re

import numpy as np

from suanli.solver.index import Index

_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,60}\Z")


def _safe(names, letter: str) -> list[str]:
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    return [n if _SAFE.match(n) and counts[n] == 1 else f"{letter}.{i}" for i, n in enumerate(names)]


class Namer:
    def __init__(self, ix: Index):
        p = ix.program
        self.region = _safe([r.name for r in p.regions], "r")
        self.type = _safe([t.name for t in p.node_types], "t")
        self.service = _safe([s.name for s in p.services], "d")
        self.job = _safe([j.name for j in p.jobs], "j")
        self.cls = _safe(sorted(ix.class_ix, key=ix.class_ix.get), "c")
        self.statement = _safe([s.name for s in p.statements], "s")
        self.edges = ix.edges
        self.rix = ix.region_ix

    # ---- columns ----------------------------------------------------------
    def col_names(self, sp, ids=None) -> list[str]:
        out: list[str] = []
        for fam in sp.col_families:
            out.extend(self._family_names(fam, col=True))
        return _pick(out, ids)

    def row_names(self, sp, ids=None) -> list[str]:
        out: list[str] = []
        cols: list[str] = []
        for fam in sp.row_families:
            if fam.kind == "site_use":  # strengthen.py: x(d,r) <= open(r), y(j,r,t) <= open(r)
                cols = cols or self.col_names(sp)
                out.extend(f"use.{cols[c]}" for c in fam.keys["col"])
            else:
                out.extend(self._family_names(fam, col=False))
        return _pick(out, ids)

    def _family_names(self, fam, col: bool) -> list[str]:
        k, K = fam.kind, fam.keys
        reg, typ = self.region, self.type
        if k in ("n", "site"):
            return [f"{k}({reg[r]},{typ[t]})" for r, t in zip(K["r"], K["t"])]
        if k == "open":
            return [f"open({reg[r]})" for r in K["r"]]
        if k == "x":
            return [f"x({self.service[d]},{reg[r]})" for d, r in zip(K["d"], K["r"])]
        if k == "y":
            return [f"y({self.job[j]},{reg[r]},{typ[t]})" for j, r, t in zip(K["j"], K["r"], K["t"])]
        if k == "z":  # §9 backups
            return [f"z({self.service[d]},{reg[r]})" for d, r in zip(K["d"], K["r"])]
        return self._row_family_names(fam)

    def _row_family_names(self, fam) -> list[str]:
        k, K, reg = fam.kind, fam.keys, self.region
        if k == "served":
            return [f"served({self.service[d]})" for d in K["d"]]
        if k == "runs":
            return [f"runs({self.job[j]})" for j in K["j"]]
        if k == "compute":
            return [f"compute({reg[r]},{self.cls[c]})" for r, c in zip(K["r"], K["c"])]
        if k in ("storage", "memory", "power", "nodes"):
            return [f"{k}({reg[r]})" for r in K["r"]]
        if k == "bandwidth":
            return [self._edge_name(e) for e in K["e"]]
        if k == "backups":
            return [f"backups({self.service[d]})" for d in K["d"]]
        if k == "separation":  # pairwise (--relax): (d, r, b); clique rows: (d, b)
            if "r" not in K:
                return [f"separation({self.service[d]},{reg[b]})" for d, b in zip(K["d"], K["b"])]
            return [f"separation({self.service[d]},{reg[r]},{reg[b]})"
                    for d, r, b in zip(K["d"], K["r"], K["b"])]
        if k == "require":
            return [f"require({self.statement[s]}).{p}" for s, p in zip(K["s"], K["p"])]
        if k == "parallel":
            return [f"parallel({self.job[j]},{reg[r]},{self.type[t]})"
                    for j, r, t in zip(K["j"], K["r"], K["t"])]
        return [f"{k}.{i}" for i in range(len(fam))]

    def _edge_name(self, e: int) -> str:
        _, a, b = self.edges[e]
        return f"bandwidth({self.region[self.rix[a]]},{self.region[self.rix[b]]})"


def _pick(names: list[str], ids) -> list[str]:
    if ids is None:
        return names
    return [names[i] for i in np.asarray(ids, dtype=np.int64)]
