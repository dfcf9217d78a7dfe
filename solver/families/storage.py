"""§6 constraint 4: storage per region (§9: backup copies hold storage too)."""

from __future__ import annotations

from suanli.solver.families.backups import backup_storage
from suanli.solver.families.base import ConstraintFamily, Period, Relax, RowKind
from suanli.solver.families.rowbuilder import region_need_rows
from suanli.solver.families.text import caps_text, item
from suanli.solver.units import TB


def _names(nm, K) -> list[str]:
    return [f"storage({nm.region[r]})" for r in K["r"]]


def _describe(program, fam, k, amount, sign):
    reg = program.regions[fam.keys["r"][k]]
    v = amount / TB
    return item(f"storage({reg.name})", reg.span, v, "TB",
                f"storage in {reg.name} short by {v:.6g} TB{caps_text(program, reg)}")


STORAGE = RowKind("storage", _names, Relax(), _describe, needs_nodes=True)


def rows(p: Period) -> None:
    region_need_rows(p.rb, STORAGE, p.ix, p.cols, "storage", p.ix.t_storage, backup_storage(p.ix, p.cols))


FAMILY = ConstraintFamily("storage", "§6.4", (STORAGE,), ("storage",), period=rows)
