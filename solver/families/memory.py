"""§9 memory per region, like storage (§6.4): demands' and jobs' memory <= installed."""

from __future__ import annotations

from suanli.solver.families.base import ConstraintFamily, Period, Relax, RowKind
from suanli.solver.families.rowbuilder import region_need_rows
from suanli.solver.families.text import caps_text, item
from suanli.solver.units import TB


def _names(nm, K) -> list[str]:
    return [f"memory({nm.region[r]})" for r in K["r"]]


def _describe(program, fam, k, amount, sign):
    reg = program.regions[fam.keys["r"][k]]
    v = amount / TB
    return item(f"memory({reg.name})", reg.span, v, "TB",
                f"memory in {reg.name} short by {v:.6g} TB{caps_text(program, reg)}")


MEMORY = RowKind("memory", _names, Relax(), _describe, needs_nodes=True)


def rows(p: Period) -> None:
    region_need_rows(p.rb, MEMORY, p.ix, p.cols, "memory", p.ix.t_memory)


FAMILY = ConstraintFamily("memory", "§9 memory", (MEMORY,), ("memory",), period=rows)
