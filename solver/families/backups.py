"""Backups (数据灾备, LANGUAGE.md §9): columns z[d,b] and their rows.

For a `split = false` demand d with `backups = K` > 0 (compiler/backups.py):
- z[d,b] binary for each region b its residency allows (presolve: only where
  a type with storage may be built, when d has storage);
- "backups" row per demand: sum_b z[d,b] = K;
- "separation" row per conflict pair (r, b) (latency(r, b) < backup_separation,
  r = b included; pairs are listed in the IR): x[d,r] + z[d,b] <= 1;
- each copy holds storage_d in b: extra entries of the storage row (storage.py).
"""

from __future__ import annotations

import numpy as np

from suanli.solver.families.base import ConstraintFamily, Period, Relax, RowKind
from suanli.solver.families.text import item
from suanli.solver.index import Index

_EMPTY = np.zeros(0, dtype=np.int64)


def backup_columns(ix: Index) -> tuple[np.ndarray, np.ndarray]:
    """(z_d, z_r): per demand with backups, its backup regions in name order."""
    zd, zr = [], []
    for d, svc in enumerate(ix.program.services):
        if svc.backups <= 0:
            continue
        for name in svc.backup_regions:
            r = ix.region_ix[name]
            if svc.storage <= 0 or ix.has_storage[r]:
                zd.append(d)
                zr.append(r)
    return np.array(zd, dtype=np.int64), np.array(zr, dtype=np.int64)


def backup_storage(ix: Index, c) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(region, column, B) entries that copies add to the storage rows."""
    if len(c.z_d) == 0:
        return _EMPTY, _EMPTY, np.zeros(0)
    sto = np.array([s.storage for s in ix.program.services], dtype=float)[c.z_d]
    ks = np.flatnonzero(sto > 0)
    return c.z_r[ks], c.z0 + ks, sto[ks]


def _backups_names(nm, K) -> list[str]:
    return [f"backups({nm.service[d]})" for d in K["d"]]


def _separation_names(nm, K) -> list[str]:
    """Pairwise (--relax): (d, r, b); clique rows: (d, b)."""
    if "r" not in K:
        return [f"separation({nm.service[d]},{nm.region[b]})" for d, b in zip(K["d"], K["b"])]
    return [f"separation({nm.service[d]},{nm.region[r]},{nm.region[b]})" for d, r, b in zip(K["d"], K["r"], K["b"])]


def _describe(program, fam, k, amount, sign):
    svc = program.services[fam.keys["d"][k]]
    return item(f"backups({svc.name})", svc.span, amount, "copies",
                f"demand {svc.name} can hold only {svc.backups - amount:.4g} of its {svc.backups} "
                f"backups at least {svc.backup_separation * 1000:.6g} ms from where it is served "
                f"(its backup regions: {', '.join(svc.backup_regions)})")


BACKUPS = RowKind("backups", _backups_names, Relax(5.0, only_lower=True), _describe)  # before a missing service
SEPARATION = RowKind("separation", _separation_names)


def rows(p: Period) -> None:
    """Count rows sum_b z[d,b] = K, then the separation rows (see _separation_rows)."""
    ix, c, rb = p.ix, p.cols, p.rb
    services = ix.program.services
    wanted = np.array([d for d, s in enumerate(services) if s.backups > 0], dtype=np.int64)
    if len(wanted) == 0:
        return
    row_of = -np.ones(len(services), dtype=np.int64)
    row_of[wanted] = np.arange(len(wanted))
    k = np.array([services[d].backups for d in wanted], dtype=float)
    rb.add(BACKUPS, row_of[c.z_d], c.z0 + np.arange(len(c.z_d)), np.ones(len(c.z_d)), k, k,
           {"d": wanted})
    _separation_rows(rb, ix, c, pairwise=p.relax)


def _separation_rows(rb, ix: Index, c, pairwise: bool) -> None:
    """§9's x[d,r] + z[d,b] <= 1 per conflict pair. Since x[d,.] of a `split = false` demand
    is binary and sums to 1, the pairs of one copy region b add up to the clique row
    z[d,b] + sum_{r near b} x[d,r] <= 1: the same integer points, a tighter LP (the MILP
    proves its gap far sooner) and fewer rows. `--relax` keeps the pairwise rows, so the
    LP relaxation is the one of the program §9 writes."""
    has = np.array([s.backups > 0 for s in ix.program.services], dtype=bool)
    xs = np.flatnonzero(has[c.x_d]) if len(c.x_d) else np.zeros(0, dtype=np.int64)
    xcol = {(d, r): c.x0 + i for i, d, r in zip(xs.tolist(), c.x_d[xs].tolist(), c.x_r[xs].tolist())}
    zcol = {(d, r): c.z0 + i for i, (d, r) in enumerate(zip(c.z_d.tolist(), c.z_r.tolist()))}
    keys_d, keys_r, keys_b, cols = [], [], [], []
    for d, svc in enumerate(ix.program.services):
        if svc.backups <= 0:
            continue
        for a, b in svc.backup_conflicts:
            ra, rb_ = ix.region_ix[a], ix.region_ix[b]
            xa, zb = xcol.get((d, ra)), zcol.get((d, rb_))
            if xa is not None and zb is not None:
                keys_d.append(d)
                keys_r.append(ra)
                keys_b.append(rb_)
                cols += [xa, zb]
    n = len(keys_d)
    if n == 0:
        return
    if not pairwise:
        _clique_rows(rb, keys_d, keys_b, cols)
        return
    rb.add(SEPARATION, np.repeat(np.arange(n), 2), np.array(cols, dtype=np.int64), np.ones(2 * n),
           np.full(n, -np.inf), np.ones(n),
           {"d": np.array(keys_d), "r": np.array(keys_r), "b": np.array(keys_b)})


def _clique_rows(rb, keys_d, keys_b, cols) -> None:
    """One row per (d, b): z[d,b] + the x[d,r] of every region r too close to b."""
    pairs = np.array(cols, dtype=np.int64).reshape(-1, 2)
    key = np.array(keys_d, dtype=np.int64) * (1 + max(keys_b)) + np.array(keys_b, dtype=np.int64)
    uniq, first, row = np.unique(key, return_index=True, return_inverse=True)
    rows = np.concatenate([row, np.arange(len(uniq))])
    cols_all = np.concatenate([pairs[:, 0], pairs[first, 1]])
    rb.add(SEPARATION, rows, cols_all, np.ones(len(rows)), np.full(len(uniq), -np.inf),
           np.ones(len(uniq)), {"d": np.array(keys_d)[first], "b": np.array(keys_b)[first]})


FAMILY = ConstraintFamily("backups", "§9 backups", (BACKUPS, SEPARATION), ("backups",), period=rows)
