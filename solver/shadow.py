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
from suanli.solver.plan import ShadowPrice
from suanli.solver.sparse import SparseProgram
from suanli.solver.units import GBPS, MW, row_unit
from suanli.tolerances import ZERO


def shadow_prices(program: Program, sp: SparseProgram, row_dual: np.ndarray,
                  col_dual: np.ndarray, x: np.ndarray) -> list[ShadowPrice]:
    obj_unit = program.objective.dimension.unit or program.settings.currency
    per_obj = sp.obj_scale / program.objective.dimension.unit_scale
    si = row_dual * sp.row_scale * per_obj  # objective unit per SI unit of the row
    out: list[ShadowPrice] = []
    for fam in sp.row_families:
        handler = _HANDLERS.get(fam.kind)
        if handler is None:
            continue
        for k in range(len(fam)):
            value = si[fam.start + k]
            if not np.isfinite(value) or value == 0:
                continue
            item = handler(program, fam, k, value, obj_unit)
            if item is not None and abs(item.value) > ZERO * max(1.0, abs(item.value)):
                out.append(item)
    out.extend(_per_region_caps(program, sp, col_dual * per_obj, x, obj_unit))
    return sorted(out, key=lambda s: s.constraint)


def _say(what: str, unit: str, value: float, obj_unit: str) -> str:
    return f"1 {unit} more {what} changes the objective by {value:+.4g} {obj_unit} over the horizon"


def _power(program, fam, k, value, obj_unit):
    reg = program.regions[fam.keys["r"][k]]
    v = value * MW
    return ShadowPrice(constraint=f"power_cap({reg.name})", location=str(reg.span), value=v,
                       unit=f"{obj_unit}/MW", description=_say(f"power_cap in {reg.name}", "MW", v, obj_unit))


def _nodes(program, fam, k, value, obj_unit):
    reg = program.regions[fam.keys["r"][k]]
    return ShadowPrice(constraint=f"max_nodes({reg.name})", location=str(reg.span), value=value,
                       unit=f"{obj_unit}/node",
                       description=_say(f"max_nodes in {reg.name}", "node", value, obj_unit))


def _bandwidth(program, fam, k, value, obj_unit):
    e = int(fam.keys["e"][k])
    link = program.links[e // 2]
    a, b = (link.a, link.b) if e % 2 == 0 else (link.b, link.a)
    v = value * GBPS
    return ShadowPrice(constraint=f"bandwidth({a}->{b})", location=str(link.span), value=v,
                       unit=f"{obj_unit}/Gbps",
                       description=_say(f"bandwidth {a} -> {b}", "Gbps", v, obj_unit))


def _require(program, fam, k, value, obj_unit):
    st = program.statements[fam.keys["s"][k]]
    row = st.rows[fam.keys["p"][k]]
    unit, factor = row_unit(row.expr, program.settings.currency)
    v = value * factor
    return ShadowPrice(constraint=f"require {st.name}", location=str(st.span), value=v,
                       unit=f"{obj_unit}/{unit}" if unit else obj_unit,
                       description=_say(f"on the bound of require {st.name}", unit or "unit", v, obj_unit))


_HANDLERS = {"power": _power, "nodes": _nodes, "bandwidth": _bandwidth, "require": _require}


def _per_region_caps(program, sp: SparseProgram, col_dual: np.ndarray, x: np.ndarray, obj_unit: str):
    """max_per_region is a column bound: its dual is the column's reduced cost."""
    n = sp.family("n")
    out = []
    for i, (r, t) in enumerate(zip(n.keys["r"], n.keys["t"])):
        nt = program.node_types[t]
        ub = sp.col_ub[n.start + i]
        if nt.max_per_region is None or not np.isfinite(ub) or x[n.start + i] < ub - ZERO:
            continue
        v = float(col_dual[n.start + i])
        if v == 0 or not np.isfinite(v):
            continue
        reg = program.regions[r].name
        out.append(ShadowPrice(constraint=f"max_per_region({nt.name},{reg})", location=str(nt.span),
                               value=v, unit=f"{obj_unit}/node",
                               description=_say(f"max_per_region of {nt.name} in {reg}", "node", v, obj_unit)))
    return out
