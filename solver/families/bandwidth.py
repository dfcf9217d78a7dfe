"""§6 constraint 7: traffic per link direction (services' traffic, jobs' data/deadline)."""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import ConstraintFamily, Period, Relax, RowKind
from suanli.solver.families.text import item, say
from suanli.solver.plan import ShadowPrice
from suanli.solver.units import GBPS


def _names(nm, K) -> list[str]:
    out = []
    for e in K["e"]:
        _, a, b = nm.edges[e]
        out.append(f"bandwidth({nm.region[nm.rix[a]]},{nm.region[nm.rix[b]]})")
    return out


def _direction(program, fam, k):
    e = int(fam.keys["e"][k])
    link = program.links[e // 2]
    return link, ((link.a, link.b) if e % 2 == 0 else (link.b, link.a))


def _describe(program, fam, k, amount, sign):
    link, (a, b) = _direction(program, fam, k)
    v = amount / GBPS
    return item(f"bandwidth({a}->{b})", link.span, v, "Gbps",
                f"link {a} -> {b} short by {v:.6g} Gbps of bandwidth at {link.span}")


def _shadow(program, fam, k, value, obj_unit):
    link, (a, b) = _direction(program, fam, k)
    v = value * GBPS
    return ShadowPrice(constraint=f"bandwidth({a}->{b})", location=str(link.span), value=v,
                       unit=f"{obj_unit}/Gbps", description=say(f"bandwidth {a} -> {b}", "Gbps", v, obj_unit))


BANDWIDTH = RowKind("bandwidth", _names, Relax(), _describe, _shadow)


def _limited_paths(pairs, limited: np.ndarray):
    """The pairs' edge lists (CSR) with only bandwidth-limited edges, in path order."""
    keep = limited[pairs.edge_ids]
    kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    return kept_before[pairs.edge_ptr], pairs.edge_ids[keep]


def _expand_edges(pair_ids: np.ndarray, ptr: np.ndarray, edge_ids: np.ndarray):
    """For each entry's path, one (entry, directed edge) per hop."""
    starts = ptr[pair_ids]
    counts = ptr[pair_ids + 1] - starts
    entry = np.repeat(np.arange(len(pair_ids)), counts)
    pos = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    pos += np.arange(len(pos))
    return entry, edge_ids[pos]


def rows(p: Period) -> None:
    ix, c = p.ix, p.cols
    bw = ix.edge_bandwidth
    limited = np.isfinite(bw)
    if not limited.any():
        return
    ptr, edge_ids = _limited_paths(p.pairs, limited)
    traffic = np.array([s.traffic for s in ix.program.services], dtype=float)
    rate = np.array([j.data / j.deadline for j in ix.program.jobs], dtype=float)
    xs = np.flatnonzero((c.x_pair >= 0) & (traffic[c.x_d] > 0)) if len(c.x_d) else np.zeros(0, dtype=np.int64)
    ys = np.flatnonzero((c.y_pair >= 0) & (rate[c.y_j] > 0)) if len(c.y_j) else np.zeros(0, dtype=np.int64)
    ex, edx = _expand_edges(c.x_pair[xs], ptr, edge_ids)
    ey, edy = _expand_edges(c.y_pair[ys], ptr, edge_ids)
    edges = np.concatenate([edx, edy])
    if len(edges) == 0:
        return
    xe, ye = xs[ex], ys[ey]
    cols = np.concatenate([c.x0 + xe, c.y0 + ye])
    vals = np.concatenate([traffic[c.x_d[xe]], rate[c.y_j[ye]]])
    used = np.flatnonzero(np.bincount(edges, minlength=len(bw)))
    row_of_edge = -np.ones(len(bw), dtype=np.int64)
    row_of_edge[used] = np.arange(len(used))
    p.rb.add(BANDWIDTH, row_of_edge[edges], cols, vals, np.full(len(used), -np.inf), bw[used], {"e": used})


FAMILY = ConstraintFamily("bandwidth", "§6.7", (BANDWIDTH,), ("bandwidth",), period=rows)
