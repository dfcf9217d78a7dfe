"""Shadow prices of a multi-year program, per year (LANGUAGE.md §8).

As for a single period (shadow.py): the duals of the shadow LP, with sites,
job placements and unsplittable services fixed as in the plan and the node
counts and builds real. A cap of one year (power, max_nodes, bandwidth) is
named `power_cap(beijing)[y=2028]`: one more unit in that year only, with
the change of the objective (the discounted total) it brings.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.backend import Status
from suanli.solver.plan import ShadowPrice
from suanli.solver.postsolve import _fixed, _lp_options
from suanli.solver.shadow import REL_TINY, shadow_handler
from suanli.solver.sparse import SparseProgram


def shadow_lp_years(sp: SparseProgram, x: np.ndarray, options):
    """The shadow LP: every integer fixed except node counts n and builds b."""
    from suanli.solver.highs_backend import HighsBackend

    mask = sp.integer.copy()
    for fam in sp.col_families:
        if fam.kind in ("n", "b"):
            mask[fam.start:fam.stop] = False
    res = HighsBackend().solve(_fixed(sp, x, mask), _lp_options(options))
    return res if res.status is Status.OPTIMAL and res.row_dual is not None else None


def year_shadow_prices(program: Program, sp: SparseProgram, row_dual: Optional[np.ndarray]):
    if row_dual is None:
        return []
    obj_unit = program.objective.dimension.unit or program.settings.currency
    si = row_dual * sp.row_scale * sp.obj_scale / program.objective.dimension.unit_scale
    out = []
    for fam in sp.row_families:
        handler = shadow_handler(fam)
        if handler is None:
            continue
        year = fam.meta.get("year")
        prog = program if year is None else program.years.programs[year - program.years.first]
        for k in np.flatnonzero(np.isfinite(si[fam.start:fam.stop]) & (si[fam.start:fam.stop] != 0)):
            item = handler(prog, fam, int(k), float(si[fam.start + k]), obj_unit)
            if item is None or abs(item.value) <= REL_TINY * max(1.0, abs(item.value)):
                continue
            out.append(item if year is None else _in_year(item, year))
    return sorted(out, key=lambda s: s.constraint)


def _in_year(item: ShadowPrice, year: int) -> ShadowPrice:
    text = item.description.replace("over the horizon", f"(discounted total), for {year} only")
    return item.model_copy(update={"constraint": f"{item.constraint}[y={year}]", "description": text})
