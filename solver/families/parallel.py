"""§6 constraint 3: a placed job has its nodes, n[r,t] >= N_jt * y[j,r,t]."""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import ConstraintFamily, Period, RowKind


def _names(nm, K) -> list[str]:
    return [f"parallel({nm.job[j]},{nm.region[r]},{nm.type[t]})" for j, r, t in zip(K["j"], K["r"], K["t"])]


PARALLEL = RowKind("parallel", _names, needs_nodes=True)


def rows(p: Period) -> None:
    """One row per job placement column."""
    c = p.cols
    k = len(c.y_j)
    rows_ = np.concatenate([np.arange(k), np.arange(k)])
    cols = np.concatenate([c.nmap[c.y_r, c.y_t], c.y0 + np.arange(k)])
    vals = np.concatenate([np.ones(k), -c.y_nodes.astype(float)])
    p.rb.add(PARALLEL, rows_, cols, vals, np.zeros(k), np.full(k, np.inf),
             {"y": np.arange(k), "j": c.y_j, "r": c.y_r, "t": c.y_t})


FAMILY = ConstraintFamily("parallel", "§6.3", (PARALLEL,), ("jobs",), period=rows)
