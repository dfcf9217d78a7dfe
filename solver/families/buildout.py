"""§8 build-out rows of a multi-year program: installed nodes are the builds
still standing, and a site once opened stays open."""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import ConstraintFamily, RowKind, Years


def _installed_names(nm, K) -> list[str]:
    return [f"installed({nm.region[r]},{nm.type[t]})_y{y}" for r, t, y in zip(K["r"], K["t"], K["year"])]


def _stay_open_names(nm, K) -> list[str]:
    return [f"stay_open({nm.region[r]})_y{y}" for r, y in zip(K["r"], K["year"])]


INSTALLED = RowKind("installed", _installed_names, year_keyed=True)
STAY_OPEN = RowKind("stay_open", _stay_open_names, year_keyed=True)


def _installed_rows(rb, L) -> None:
    """n[r,t,y] - sum of b[r,t,q] still standing in y = 0."""
    nn, rows, cols, vals = L.nn, [], [], []
    for k in range(len(L.blocks)):
        base = k * nn
        rows.append(base + np.arange(nn))
        cols.append(L.n(k))
        vals.append(np.ones(nn))
        for q in range(k + 1):
            alive = np.flatnonzero(L.alive(q, k))
            rows.append(base + alive)
            cols.append(L.b(q)[alive])
            vals.append(-np.ones(len(alive)))
    count = nn * len(L.blocks)
    if count:
        years = np.repeat(np.arange(L.axis.first, L.axis.last + 1), nn)
        rb.add(INSTALLED, np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
               np.zeros(count), np.zeros(count),
               {"r": np.tile(L.n_r, len(L.blocks)), "t": np.tile(L.n_t, len(L.blocks)), "year": years})


def _open_rows(rb, L) -> None:
    """open[r,y-1] <= open[r,y]: a site once opened stays open."""
    rows, cols, vals, regions, years, pairs = [], [], [], [], [], []
    for k in range(1, len(L.blocks)):
        for r in L.blocks[k].cols.open_r.tolist():
            now, before = L.open_col(k, r), L.open_col(k - 1, r)
            if before < 0:
                continue
            i = len(regions)
            rows += [i, i]
            cols += [before, now]
            vals += [1.0, -1.0]
            regions.append(r)
            years.append(L.axis.first + k)
            pairs.append((before, now))
    if regions:
        rb.add(STAY_OPEN, rows, cols, vals, np.full(len(regions), -np.inf), np.zeros(len(regions)),
               {"r": np.array(regions), "year": np.array(years)}, {"pairs": pairs})


def years(y: Years) -> None:
    _installed_rows(y.rb, y.layout)
    _open_rows(y.rb, y.layout)


FAMILY = ConstraintFamily("buildout", "§8", (INSTALLED, STAY_OPEN), ("installed", "stay_open"), years=years)
