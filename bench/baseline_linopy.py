"""Baseline in idiomatic linopy: LANGUAGE.md §6 built from `Prep`, solved with HiGHS."""

from __future__ import annotations

from baseline_prep import MONEY, TERA, Prep, scaled

def build_linopy(p: Prep):
    """Idiomatic linopy: one variable per family over an index dimension, numpy
    coefficient arrays, groupby-sum for the per-region rows."""
    import linopy
    import numpy as np
    import pandas as pd
    import xarray as xr

    data, H, u = p.data, p.H, p.u
    services, jobs = data["services"], data["jobs"]
    R = {r["name"]: i for i, r in enumerate(data["regions"])}
    C = {c: i for i, c in enumerate(sorted({t["cls"] for t in data["types"]}
                                         | {s[1] for s in services} | {j[1] for j in jobs}))}
    da = lambda values, dim, dtype=float: xr.DataArray(np.asarray(values, dtype=dtype), dims=dim)

    # column data as arrays
    n_r = np.array([R[r] for r, _ in p.n_keys], dtype=np.int64)
    t_of = [p.typ[t] for _, t in p.n_keys]
    f = np.array([t["compute"] for t in t_of]) / TERA
    s = np.array([t["storage"] for t in t_of]) / TERA
    n_cls = np.array([C[t["cls"]] for t in t_of], dtype=np.int64)
    pw = np.array([p.reg[r]["pue"] * p.typ[t]["power"] for r, t in p.n_keys]) / 1e3
    n_ub = np.array([np.inf if t["max_per_region"] is None else t["max_per_region"] for t in t_of], dtype=float)
    x_d = np.array([d for d, _ in p.x_keys], dtype=np.int64)
    x_r = np.array([R[r] for _, r in p.x_keys], dtype=np.int64)
    y_j = np.array([k[0] for k in p.y_keys], dtype=np.int64)
    y_r = np.array([R[k[1]] for k in p.y_keys], dtype=np.int64)
    y_n = np.array([p.n_index[(k[1], k[2])] for k in p.y_keys], dtype=np.int64)
    s_cls = np.array([C[sv[1]] for sv in services], dtype=np.int64)
    s_comp = np.array([sv[2] for sv in services]) / TERA
    s_sto = np.array([sv[3] for sv in services]) / TERA
    j_cls = np.array([C[jb[1]] for jb in jobs], dtype=np.int64)
    j_sto = np.array([jb[2] for jb in jobs]) / TERA
    y_nodes = np.array([k[3] for k in p.y_keys], dtype=float)
    y_work = np.array([k[4] for k in p.y_keys], dtype=float) / H / TERA

    m = linopy.Model()
    n = m.add_variables(lower=0, upper=da(n_ub, "ncol"), coords=[pd.RangeIndex(len(p.n_keys), name="ncol")], name="n")
    unit_box = {"binary": True} if p.mip else {"lower": 0, "upper": 1}
    op = m.add_variables(coords=[pd.RangeIndex(len(p.open_keys), name="ocol")], name="open", **unit_box)
    x = m.add_variables(lower=0, upper=1, coords=[pd.RangeIndex(len(p.x_keys), name="xcol")], name="x")
    y = m.add_variables(coords=[pd.RangeIndex(len(p.y_keys), name="ycol")], name="y", **unit_box)
    whole = np.array([i for i, (d, _) in enumerate(p.x_keys) if not services[d][7]], dtype=np.int64)
    if p.mip and len(whole):  # a linopy variable is all binary or none: x = z, z binary
        z = m.add_variables(binary=True, coords=[pd.RangeIndex(len(whole), name="zcol")], name="z")
        ones = da(np.ones(len(whole)), "zcol")
        m.add_constraints(ones * x.isel(xcol=da(whole, "zcol", np.int64)) - z == 0, name="unsplit")

    # objective (MCNY)
    unit = np.array([p.unit_cost(r, t) for r, t in p.n_keys]) / MONEY
    site = np.array([p.reg[r]["site_cost"] for r in p.open_keys]) / MONEY
    netx = np.array([p.x_network(d, r) for d, r in p.x_keys]) / MONEY
    nety = np.array([p.y_network(k[0], k[1]) for k in p.y_keys]) / MONEY
    m.add_objective((da(unit, "ncol") * n).sum() + (da(site, "ocol") * op).sum()
                    + (da(netx, "xcol") * x).sum() + (da(nety, "ycol") * y).sum())

    # 1. served / runs
    m.add_constraints((1 * x).groupby(da(x_d, "xcol", np.int64).rename("d")).sum() == 1, name="served")
    if len(p.y_keys):
        m.add_constraints((1 * y).groupby(da(y_j, "ycol", np.int64).rename("j")).sum() == 1, name="runs")

    # 2. compute per (region, class): key = r * |C| + c
    nC = len(C)
    key = lambda dim, values: da(values, dim, np.int64).rename("rc")
    xs = np.flatnonzero(s_comp[x_d] > 0)
    dem = (da(s_comp[x_d[xs]], "xs") * x.isel(xcol=da(xs, "xs", np.int64))).groupby(
        key("xs", x_r[xs] * nC + s_cls[x_d[xs]])).sum()
    if len(p.y_keys):
        ys = np.flatnonzero(y_work > 0)
        dem_y = (da(y_work[ys], "ys") * y.isel(ycol=da(ys, "ys", np.int64))).groupby(
            key("ys", y_r[ys] * nC + j_cls[y_j[ys]])).sum()
        dem = dem.add(dem_y, join="outer")
    ns = np.flatnonzero(f > 0)
    cap = (da(u * f[ns], "ns") * n.isel(ncol=da(ns, "ns", np.int64))).groupby(
        key("ns", n_r[ns] * nC + n_cls[ns])).sum()
    m.add_constraints(dem.sub(cap, join="left") <= 0, name="compute")

    # 3. job parallelism
    if len(p.y_keys):
        ones = da(np.ones(len(y_n)), "ycol")
        m.add_constraints(ones * n.isel(ncol=da(y_n, "ycol", np.int64)) - da(y_nodes, "ycol") * y >= 0,
                          name="parallel")

    # 4. storage per region
    rkey = lambda dim, values: da(values, dim, np.int64).rename("r")
    xs = np.flatnonzero(s_sto[x_d] > 0)
    sto = (da(s_sto[x_d[xs]], "xs") * x.isel(xcol=da(xs, "xs", np.int64))).groupby(rkey("xs", x_r[xs])).sum()
    if len(p.y_keys):
        ys = np.flatnonzero(j_sto[y_j] > 0)
        sto_y = (da(j_sto[y_j[ys]], "ys") * y.isel(ycol=da(ys, "ys", np.int64))).groupby(rkey("ys", y_r[ys])).sum()
        sto = sto.add(sto_y, join="outer")
    ns = np.flatnonzero(s > 0)
    have = (da(s[ns], "ns") * n.isel(ncol=da(ns, "ns", np.int64))).groupby(rkey("ns", n_r[ns])).sum()
    m.add_constraints(sto.sub(have, join="left") <= 0, name="storage")

    # 5. power caps (kW) and node counts
    caps = np.array([np.nan if r["power_cap"] is None else r["power_cap"] / 1e3 for r in data["regions"]])
    ns = np.flatnonzero(np.isfinite(caps[n_r]))
    if len(ns):
        used = (da(pw[ns], "ns") * n.isel(ncol=da(ns, "ns", np.int64))).groupby(rkey("ns", n_r[ns])).sum()
        limit = xr.DataArray(caps, coords={"r": np.arange(len(caps))}, dims="r")
        m.add_constraints(used.le(limit, join="left"), name="power")
    maxn = np.array([np.nan if r["max_nodes"] is None else r["max_nodes"] for r in data["regions"]], dtype=float)
    ns = np.flatnonzero(np.isfinite(maxn[n_r]))
    if len(ns):
        count = (1 * n.isel(ncol=da(ns, "ns", np.int64))).groupby(rkey("ns", n_r[ns])).sum()
        limit = xr.DataArray(maxn, coords={"r": np.arange(len(maxn))}, dims="r")
        m.add_constraints(count.le(limit, join="left"), name="nodes")

    # 6. sites
    bound = p.site_bound()
    if bound:
        sn = np.array(sorted(bound), dtype=np.int64)
        open_ix = {r: i for i, r in enumerate(p.open_keys)}
        so = np.array([open_ix[p.n_keys[i][0]] for i in sn], dtype=np.int64)
        mm = np.array([bound[i] for i in sn])
        ones = da(np.ones(len(sn)), "sn")
        m.add_constraints(ones * n.isel(ncol=da(sn, "sn", np.int64))
                          - da(mm, "sn") * op.isel(ocol=da(so, "sn", np.int64)) <= 0, name="site")

    # 7. bandwidth per directed edge (Gbps): one entry per (column, hop)
    _bandwidth_linopy(m, p, x, y, da, np)

    # 8. requires
    fam = {"n": (n, "ncol"), "open": (op, "ocol"), "x": (x, "xcol"), "y": (y, "ycol")}
    for k, row in enumerate(p.requires):
        coefs, lb, ub = scaled(*row)
        expr = None
        for kind, (var, dim) in fam.items():
            ids = [i for (kk, i) in coefs if kk == kind]
            if not ids:
                continue
            part = (da([coefs[(kind, i)] for i in ids], "e") * var.isel({dim: da(ids, "e", np.int64)})).sum()
            expr = part if expr is None else expr + part
        if lb is not None and ub is not None and lb == ub:
            m.add_constraints(expr == lb, name=f"require_{k}")
            continue
        if lb is not None:
            m.add_constraints(expr >= lb, name=f"require_{k}_lo")
        if ub is not None:
            m.add_constraints(expr <= ub, name=f"require_{k}_hi")
    return m


def _bandwidth_linopy(m, p: Prep, x, y, da, np) -> None:
    services, jobs = p.data["services"], p.data["jobs"]
    col, coef, edge, limit = {"x": [], "y": []}, {"x": [], "y": []}, {"x": [], "y": []}, {}
    for i, (d, r) in enumerate(p.x_keys):
        _, _, _, _, origin, traffic, *_ = services[d]
        if traffic > 0:
            for e, bw in p.path(origin, r)[1]:
                col["x"].append(i), coef["x"].append(traffic * 8e-9), edge["x"].append(e)
                limit[e] = bw * 8e-9
    for i, (j, r, *_) in enumerate(p.y_keys):
        _, _, _, origin, size, deadline, _, _ = jobs[j]
        if size > 0:
            for e, bw in p.path(origin, r)[1]:
                col["y"].append(i), coef["y"].append(size / deadline * 8e-9), edge["y"].append(e)
                limit[e] = bw * 8e-9
    lhs = None
    for kind, var, dim in (("x", x, "xcol"), ("y", y, "ycol")):
        if not col[kind]:
            continue
        part = (da(coef[kind], "be") * var.isel({dim: da(col[kind], "be", np.int64)})).groupby(
            da(edge[kind], "be", np.int64).rename("edge")).sum()
        lhs = part if lhs is None else lhs.add(part, join="outer")
    if lhs is None:
        return
    import xarray as xr

    edges = sorted(limit)
    rhs = xr.DataArray(np.array([limit[e] for e in edges]), coords={"edge": edges}, dims="edge")
    m.add_constraints(lhs.le(rhs, join="left"), name="bandwidth")


def solve_linopy(m) -> tuple[str, float]:
    status, condition = m.solve(solver_name="highs", io_api="direct", progress=False, output_flag=False,
                                mip_rel_gap=1e-6)
    return f"{status}/{condition}", float(m.objective.value) * MONEY


def linopy_size(m) -> dict:
    return {"vars": int(m.nvars), "rows": int(m.ncons),
            "nnz": int(sum((c.vars.values >= 0).sum() for _, c in m.constraints.items()))}
