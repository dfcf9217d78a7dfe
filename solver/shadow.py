"""Shadow prices: what one more unit of a cap or a require bound is worth.

Taken from the shadow LP (postsolve.shadow_lp: sites, job placements and
unsplittable services fixed as in the plan, node counts real) -- for an LP
relaxation, the program itself (the duals of postsolve.finish_lp's polishing
re-run) -- so they are marginal values around the chosen plan, over the whole horizon, in the
objective's unit. Sign: the change of the objective value when the bound
is relaxed by one unit (negative = a minimised objective goes down).
"""

from __future__ import annotations

import numpy as np

from suanli.compiler.ir import Program
from suanli.solver.families import row_kind
from suanli.solver.families.text import say
from suanli.solver.plan import ShadowPrice
from suanli.solver.sparse import Family, SparseProgram

REL_TINY = 1e-9


def shadow_prices(program: Program, sp: SparseProgram, row_dual: np.ndarray,
                  col_dual: np.ndarray, x: np.ndarray) -> list[ShadowPrice]:
    obj_unit = program.objective.dimension.unit or program.settings.currency
    per_obj = sp.obj_scale / program.objective.dimension.unit_scale
    si = row_dual * sp.row_scale * per_obj  # objective unit per SI unit of the row
    out: list[ShadowPrice] = []
    for fam in sp.row_families:
        handler = shadow_handler(fam)
        if handler is None:
            continue
        for k in range(len(fam)):
            value = si[fam.start + k]
            if not np.isfinite(value) or value == 0:
                continue
            item = handler(program, fam, k, value, obj_unit)
            if item is not None and abs(item.value) > REL_TINY * max(1.0, abs(item.value)):
                out.append(item)
    out.extend(_per_region_caps(program, sp, col_dual * per_obj, x, obj_unit))
    return sorted(out, key=lambda s: s.constraint)


def shadow_handler(fam: Family):
    """What the duals of the row family mean (families/: RowKind.shadow); None: not reported."""
    kind = row_kind(fam.kind)
    return None if kind is None else kind.shadow


def _per_region_caps(program, sp: SparseProgram, col_dual: np.ndarray, x: np.ndarray, obj_unit: str):
    """max_per_region is a column bound: its dual is the column's reduced cost."""
    n = sp.family("n")
    out = []
    for i, (r, t) in enumerate(zip(n.keys["r"], n.keys["t"])):
        nt = program.node_types[t]
        ub = sp.col_ub[n.start + i]
        if nt.max_per_region is None or not np.isfinite(ub) or x[n.start + i] < ub - 1e-9:
            continue
        v = float(col_dual[n.start + i])
        if v == 0 or not np.isfinite(v):
            continue
        reg = program.regions[r].name
        out.append(ShadowPrice(constraint=f"max_per_region({nt.name},{reg})", location=str(nt.span),
                               value=v, unit=f"{obj_unit}/node",
                               description=say(f"max_per_region of {nt.name} in {reg}", "node", v, obj_unit)))
    return out
