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

from suanli.solver.families import row_kind
from suanli.solver.index import Index
from suanli.solver.strengthen import KIND as SITE_USE

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
            if fam.kind == SITE_USE:  # strengthen.py: x(d,r) <= open(r), y(j,r,t) <= open(r)
                cols = cols or self.col_names(sp)
                out.extend(f"use.{cols[c]}" for c in fam.keys["col"])
            else:
                out.extend(self._family_names(fam, col=False))
        return _pick(out, ids)

    def _family_names(self, fam, col: bool) -> list[str]:
        k, K = fam.kind, fam.keys
        reg, typ = self.region, self.type
        if k == "n":
            return [f"n({reg[r]},{typ[t]})" for r, t in zip(K["r"], K["t"])]
        if k == "open":
            return [f"open({reg[r]})" for r in K["r"]]
        if k == "x":
            return [f"x({self.service[d]},{reg[r]})" for d, r in zip(K["d"], K["r"])]
        if k == "y":
            return [f"y({self.job[j]},{reg[r]},{typ[t]})" for j, r, t in zip(K["j"], K["r"], K["t"])]
        if k == "z":  # §9 backups
            return [f"z({self.service[d]},{reg[r]})" for d, r in zip(K["d"], K["r"])]
        return self.row_family_names(fam)

    def row_family_names(self, fam) -> list[str]:
        """A row family's names, by its constraint family (families/); `kind.i` otherwise."""
        kind = row_kind(fam.kind)
        if kind is None or kind.names is None:
            return [f"{fam.kind}.{i}" for i in range(len(fam))]
        return kind.names(self, fam.keys)


def _pick(names: list[str], ids) -> list[str]:
    if ids is None:
        return names
    return [names[i] for i in np.asarray(ids, dtype=np.int64)]
