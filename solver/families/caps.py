"""§6 constraint 5: power cap (PUE included) and node count per region."""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import ConstraintFamily, Period, Relax, RowKind
from suanli.solver.families.text import item, say
from suanli.solver.plan import ShadowPrice
from suanli.solver.units import MW


def _names(kind: str):
    return lambda nm, K: [f"{kind}({nm.region[r]})" for r in K["r"]]


def _describe_power(program, fam, k, amount, sign):
    reg = program.regions[fam.keys["r"][k]]
    v = amount / MW
    return item(f"power({reg.name})", reg.span, v, "MW",
                f"power in {reg.name} short by {v:.6g} MW: power_cap at {reg.span}")


def _describe_nodes(program, fam, k, amount, sign):
    reg = program.regions[fam.keys["r"][k]]
    return item(f"nodes({reg.name})", reg.span, amount, "nodes",
                f"{reg.name} needs {amount:.6g} more nodes than max_nodes = {reg.max_nodes} at {reg.span}")


def _shadow_power(program, fam, k, value, obj_unit):
    reg = program.regions[fam.keys["r"][k]]
    v = value * MW
    return ShadowPrice(constraint=f"power_cap({reg.name})", location=str(reg.span), value=v,
                       unit=f"{obj_unit}/MW", description=say(f"power_cap in {reg.name}", "MW", v, obj_unit))


def _shadow_nodes(program, fam, k, value, obj_unit):
    reg = program.regions[fam.keys["r"][k]]
    return ShadowPrice(constraint=f"max_nodes({reg.name})", location=str(reg.span), value=value,
                       unit=f"{obj_unit}/node",
                       description=say(f"max_nodes in {reg.name}", "node", value, obj_unit))


POWER = RowKind("power", _names("power"), Relax(), _describe_power, _shadow_power)
NODES = RowKind("nodes", _names("nodes"), Relax(), _describe_nodes, _shadow_nodes)


def _region_sum_rows(rb, kind: RowKind, c, caps: np.ndarray, coef: np.ndarray) -> None:
    """sum over n columns in r of coef <= caps[r], for regions with a finite cap."""
    regions = np.flatnonzero(np.isfinite(caps))
    regions = regions[np.isin(regions, c.n_r)]
    if len(regions) == 0:
        return
    row_of_region = -np.ones(c.R, dtype=np.int64)
    row_of_region[regions] = np.arange(len(regions))
    ns = np.flatnonzero(row_of_region[c.n_r] >= 0)
    rb.add(kind, row_of_region[c.n_r[ns]], c.n0 + ns, coef[ns],
           np.full(len(regions), -np.inf), caps[regions], {"r": regions})


def rows(p: Period) -> None:
    ix, c = p.ix, p.cols
    _region_sum_rows(p.rb, POWER, c, ix.power_cap, ix.pue[c.n_r] * ix.t_power[c.n_t])
    _region_sum_rows(p.rb, NODES, c, ix.max_nodes, np.ones(len(c.n_r)))


FAMILY = ConstraintFamily("caps", "§6.5", (POWER, NODES), ("caps",), period=rows)
