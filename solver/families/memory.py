"""§9 memory per region, like storage (§6.4): demands' and jobs' memory <= installed."""

from __future__ import annotations

from suanli.solver.families.base import ConstraintFamily, Period
from suanli.solver.families.rowbuilder import region_need_kind, region_need_rows
from suanli.solver.units import TB

MEMORY = region_need_kind("memory", "TB", TB)


def rows(p: Period) -> None:
    region_need_rows(p.rb, MEMORY, p.ix, p.cols, "memory", p.ix.t_memory)


FAMILY = ConstraintFamily("memory", "§9 memory", (MEMORY,), ("memory",), period=rows)
