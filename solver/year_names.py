"""ASCII names of a multi-year program's columns and rows (for LP/MPS files and CBC).

Each year's families are named as a single-period program's (names.py) with
`_yYEAR` appended; builds are `b(region,type)_yYEAR`, the installed and
stay-open rows `installed(region,type)_yYEAR` and `stay_open(region)_yYEAR`;
requires keep their statement names (which carry `[y=...]` already).
"""

from __future__ import annotations

from suanli.solver.families import row_kind
from suanli.solver.index import Index
from suanli.solver.names import Namer, _pick


class YearNamer:
    def __init__(self, layout):
        self.top = Namer(Index(layout.program))
        self.years = {block.year: Namer(block.ix) for block in layout.blocks}

    def col_names(self, sp, ids=None) -> list[str]:
        out: list[str] = []
        reg, typ = self.top.region, self.top.type
        for fam in sp.col_families:
            if fam.kind == "b":
                K = fam.keys
                out += [f"b({reg[r]},{typ[t]})_y{y}" for r, t, y in zip(K["r"], K["t"], K["year"])]
            else:
                year = fam.meta["year"]
                out += [f"{n}_y{year}" for n in self.years[year]._family_names(fam, col=True)]
        return _pick(out, ids)

    def row_names(self, sp, ids=None) -> list[str]:
        out: list[str] = []
        for fam in sp.row_families:
            year, kind = fam.meta.get("year"), row_kind(fam.kind)
            if (kind is not None and kind.year_keyed) or year is None:
                out += self.top.row_family_names(fam)
            else:
                out += [f"{n}_y{year}" for n in self.years[year].row_family_names(fam)]
        return _pick(out, ids)
