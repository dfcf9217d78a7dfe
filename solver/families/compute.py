"""§6 constraint 2: compute work per region and class over the horizon, <= u*H*f*n."""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import ConstraintFamily, Period, Relax, RowKind
from suanli.solver.families.rowbuilder import keyed_rows
from suanli.solver.families.text import caps_text, item
from suanli.solver.units import TFLOPS


def _names(nm, K) -> list[str]:
    return [f"compute({nm.region[r]},{nm.cls[c]})" for r, c in zip(K["r"], K["c"])]


def _describe(program, fam, k, amount, sign):
    reg = program.regions[fam.keys["r"][k]]
    cls = sorted({t.cls for t in program.node_types} | {s.cls for s in program.services}
                 | {j.cls for j in program.jobs})[fam.keys["c"][k]]
    s = program.settings
    v = amount / (s.utilization * s.horizon) / TFLOPS
    return item(f"compute({reg.name},{cls})", reg.span, v, "TFLOPS",
                f"{cls} compute in {reg.name} short by {v:.6g} TFLOPS{caps_text(program, reg)}")


COMPUTE = RowKind("compute", _names, Relax(), _describe, needs_nodes=True)


def rows(p: Period) -> None:
    ix, c = p.ix, p.cols
    prog = ix.program
    H, u, C = prog.settings.horizon, prog.settings.utilization, max(1, len(ix.class_ix))
    comp = np.array([s.compute for s in prog.services], dtype=float)
    s_cls = np.array([ix.class_ix[s.cls] for s in prog.services], dtype=np.int64)
    j_cls = np.array([ix.class_ix[j.cls] for j in prog.jobs], dtype=np.int64)
    xs = np.flatnonzero(comp[c.x_d] > 0) if len(c.x_d) else np.zeros(0, dtype=np.int64)
    ys = np.flatnonzero(c.y_consumed > 0)
    dem_keys = np.concatenate([c.x_r[xs] * C + s_cls[c.x_d[xs]], c.y_r[ys] * C + j_cls[c.y_j[ys]]])
    dem_cols = np.concatenate([c.x0 + xs, c.y0 + ys])
    dem_vals = np.concatenate([comp[c.x_d[xs]] * H, c.y_consumed[ys]])
    f = ix.t_compute[c.n_t]
    ns = np.flatnonzero(f > 0)
    keyed_rows(p.rb, COMPUTE, (dem_keys, dem_cols, dem_vals),
               (c.n_r[ns] * C + ix.t_class[c.n_t[ns]], c.n0 + ns, -u * H * f[ns]),
               lambda k: {"r": k // C, "c": k % C})


FAMILY = ConstraintFamily("compute", "§6.2", (COMPUTE,), ("compute",), period=rows)
