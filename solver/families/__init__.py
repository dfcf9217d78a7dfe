"""The constraint families of LANGUAGE.md §6 (and §8 build-outs, §9 memory and
backups), one module each: see base.py for what a family declares.

`FAMILIES` is the one ordered list lower.py, year_lower.py, names.py,
explain.py and shadow.py dispatch through; its order is the order of the rows
in the program. Adding a family is one module here, one line below and its
check in the independent verifier (verify.py, which imports nothing from here).
"""

from __future__ import annotations

from typing import Optional

from suanli.solver.families import (backups, bandwidth, buildout, caps, compute, memory, parallel, requires,
                                    served, sites, storage)
from suanli.solver.families.base import ConstraintFamily, Period, RowKind, Whole, Years
from suanli.solver.families.rowbuilder import RowBuilder

FAMILIES: tuple[ConstraintFamily, ...] = (
    served.FAMILY,     # §6.1 services served, jobs run once
    compute.FAMILY,    # §6.2
    parallel.FAMILY,   # §6.3
    storage.FAMILY,    # §6.4 (+ §9 backup copies)
    memory.FAMILY,     # §9
    backups.FAMILY,    # §9
    caps.FAMILY,       # §6.5 power and node count
    bandwidth.FAMILY,  # §6.7
    buildout.FAMILY,   # §8 installed = builds standing, sites stay open (multi-year only)
    requires.FAMILY,   # §6.8
    sites.FAMILY,      # §6.6 last: its big-M reads the require rows and the objective
)

_ROW_KINDS: dict[str, RowKind] = {kind.name: kind for fam in FAMILIES for kind in fam.rows}


def row_kind(name: str) -> Optional[RowKind]:
    """The RowKind of a program's row family (`sparse.Family.kind`); None for rows
    no family builds (strengthen.py's site_use)."""
    return _ROW_KINDS.get(name)


def period_rows(p: Period) -> None:
    """Every family's rows of one period, in order."""
    for fam in FAMILIES:
        if fam.period is not None:
            fam.period(p)


def whole_rows(w: Whole) -> None:
    """A single-period program's rows: per period, then over the whole, in family order."""
    for fam in FAMILIES:
        for build in (fam.period, fam.whole):
            if build is not None:
                build(w)


def year_rows(y: Years) -> None:
    """A multi-year program's rows over all years (after every year's block of period rows)."""
    for fam in FAMILIES:
        if fam.years is not None:
            fam.years(y)


__all__ = ["FAMILIES", "ConstraintFamily", "Period", "RowBuilder", "RowKind", "Whole", "Years", "row_kind",
           "period_rows", "whole_rows", "year_rows"]
