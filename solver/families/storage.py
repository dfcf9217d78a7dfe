"""§6 constraint 4: storage per region (§9: backup copies hold storage too)."""

from __future__ import annotations

from suanli.solver.families.backups import backup_storage
from suanli.solver.families.base import ConstraintFamily, Period
from suanli.solver.families.rowbuilder import region_need_kind, region_need_rows
from suanli.solver.units import TB

STORAGE = region_need_kind("storage", "TB", TB)


def rows(p: Period) -> None:
    region_need_rows(p.rb, STORAGE, p.ix, p.cols, "storage", p.ix.t_storage, backup_storage(p.ix, p.cols))


FAMILY = ConstraintFamily("storage", "§6.4", (STORAGE,), ("storage",), period=rows)
