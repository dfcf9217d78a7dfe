"""§6 constraint 8: every `require`, lower <= sum coef*metric + constant <= upper
(§8: a require of a year, or on totals, over the years' columns)."""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import ConstraintFamily, Relax, RowKind, Whole, Years
from suanli.solver.families.text import item, say
from suanli.solver.plan import ShadowPrice
from suanli.solver.units import row_unit


def _names(nm, K) -> list[str]:
    return [f"require({nm.statement[s]}).{p}" for s, p in zip(K["s"], K["p"])]


def _describe(program, fam, k, amount, sign):
    st = program.statements[fam.keys["s"][k]]
    unit, factor = row_unit(st.rows[fam.keys["p"][k]].expr, program.settings.currency)
    v = amount / factor
    side = "below its lower bound" if sign > 0 else "above its upper bound"
    return item(f"require {st.name}", st.span, v, unit,
                f"require {st.name} must move {v:.6g} {unit} {side} at {st.span}")


def _shadow(program, fam, k, value, obj_unit):
    st = program.statements[fam.keys["s"][k]]
    unit, factor = row_unit(st.rows[fam.keys["p"][k]].expr, program.settings.currency)
    v = value * factor
    return ShadowPrice(constraint=f"require {st.name}", location=str(st.span), value=v,
                       unit=f"{obj_unit}/{unit}" if unit else obj_unit,
                       description=say(f"on the bound of require {st.name}", unit or "unit", v, obj_unit))


REQUIRE = RowKind("require", _names, Relax(), _describe, _shadow)


def _require_rows(rb, program, linexpr) -> None:
    """One row per part of each require; `linexpr(statement, expr)` -> (column ids, coefficients)."""
    rows, cols, vals, lbs, ubs, stmt, part = [], [], [], [], [], [], []
    k = 0
    for s_ix, st in enumerate(program.statements):
        if st.kind != "require":
            continue
        for p_ix, row in enumerate(st.rows):
            ids, coefs = linexpr(st, row.expr)
            rows.append(np.full(len(ids), k, dtype=np.int64))
            cols.append(ids)
            vals.append(coefs)
            const = row.expr.constant
            lbs.append(-np.inf if row.lower is None else row.lower - const)
            ubs.append(np.inf if row.upper is None else row.upper - const)
            stmt.append(s_ix)
            part.append(p_ix)
            k += 1
    if k:
        rb.add(REQUIRE, np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
               lbs, ubs, {"s": np.array(stmt), "p": np.array(part)})


def whole(w: Whole) -> None:
    _require_rows(w.rb, w.program, lambda st, expr: w.mv.linexpr(expr))


def years(y: Years) -> None:
    first = y.layout.axis.first
    _require_rows(y.rb, y.program, lambda st, expr: y.metrics.linexpr(
        expr, None if st.year is None else st.year - first))


FAMILY = ConstraintFamily("requires", "§6.8", (REQUIRE,), ("requires",), whole=whole, years=years)
