"""Baseline in idiomatic PuLP: LANGUAGE.md §6 built from `Prep`, solved with HiGHS."""

from __future__ import annotations

from collections import defaultdict

from baseline_prep import MONEY, TERA, Prep, scaled

def build_pulp(p: Prep):
    """Idiomatic PuLP: LpVariable.dicts over tuple keys, lpSum loops, named rows."""
    import warnings

    import pulp

    # PuLP 3.3 deprecates LpVariable.dicts for 4.0; it is still what most models use
    warnings.filterwarnings("ignore", message="LpVariable.dicts is deprecated", category=DeprecationWarning)
    data, H, u = p.data, p.H, p.u
    services, jobs = data["services"], data["jobs"]
    prob = pulp.LpProblem("suanli_bench", pulp.LpMinimize)
    n = pulp.LpVariable.dicts("n", p.n_keys, lowBound=0)
    for (r, t), var in n.items():
        if p.typ[t]["max_per_region"] is not None:
            var.upBound = p.typ[t]["max_per_region"]
    binary = pulp.LpBinary if p.mip else pulp.LpContinuous
    open_ = pulp.LpVariable.dicts("open", p.open_keys, lowBound=0, upBound=1, cat=binary)
    x_names = [(services[d][0], r) for d, r in p.x_keys]
    x = pulp.LpVariable.dicts("x", x_names, lowBound=0, upBound=1)
    if p.mip:
        for d, r in p.x_keys:
            if not services[d][7]:
                x[services[d][0], r].cat = pulp.LpInteger
    y_names = [(jobs[j][0], r, t) for j, r, t, _, _ in p.y_keys]
    y = pulp.LpVariable.dicts("y", y_names, lowBound=0, upBound=1, cat=binary)
    xv = [x[k] for k in x_names]  # column index -> variable, for the requires
    yv = [y[k] for k in y_names]

    # objective: cost over the horizon, in MCNY
    prob += (pulp.lpSum(p.unit_cost(r, t) / MONEY * n[r, t] for r, t in p.n_keys)
             + pulp.lpSum(p.reg[r]["site_cost"] / MONEY * open_[r] for r in p.open_keys)
             + pulp.lpSum(c / MONEY * xv[i] for i, (d, r) in enumerate(p.x_keys) if (c := p.x_network(d, r)))
             + pulp.lpSum(c / MONEY * yv[i] for i, (j, r, *_) in enumerate(p.y_keys) if (c := p.y_network(j, r))))

    # 1. every service fully served, every job runs once
    x_of, y_of = defaultdict(list), defaultdict(list)
    for i, (d, r) in enumerate(p.x_keys):
        x_of[d].append(xv[i])
    for i, (j, *_) in enumerate(p.y_keys):
        y_of[j].append(yv[i])
    for d, (name, *_) in enumerate(services):
        prob += pulp.lpSum(x_of[d]) == 1, f"served_{name}"
    for j, (name, *_) in enumerate(jobs):
        prob += pulp.lpSum(y_of[j]) == 1, f"runs_{name}"

    # 2. compute per region and class, divided by H: TFLOPS on both sides
    demand = defaultdict(list)
    for i, (d, r) in enumerate(p.x_keys):
        _, cls, comp, *_ = services[d]
        if comp > 0:
            demand[(r, cls)].append(comp / TERA * xv[i])
    for i, (j, r, t, nodes, consumed) in enumerate(p.y_keys):
        if consumed > 0:
            demand[(r, jobs[j][1])].append(consumed / H / TERA * yv[i])
    for (r, cls), terms in demand.items():
        prob += (pulp.lpSum(terms) <= pulp.lpSum(u * p.typ[t]["compute"] / TERA * n[r, t]
                                                 for t in p.types_in[r] if p.typ[t]["cls"] == cls
                                                 and p.typ[t]["compute"] > 0), f"compute_{r}_{cls}")

    # 3. job parallelism
    for i, (j, r, t, nodes, _) in enumerate(p.y_keys):
        prob += n[r, t] >= nodes * yv[i], f"parallel_{i}"

    # 4. storage per region, TB
    stored = defaultdict(list)
    for i, (d, r) in enumerate(p.x_keys):
        if services[d][3] > 0:
            stored[r].append(services[d][3] / TERA * xv[i])
    for i, (j, r, *_) in enumerate(p.y_keys):
        if jobs[j][2] > 0:
            stored[r].append(jobs[j][2] / TERA * yv[i])
    for r, terms in stored.items():
        prob += (pulp.lpSum(terms) <= pulp.lpSum(p.typ[t]["storage"] / TERA * n[r, t] for t in p.types_in[r]
                                                 if p.typ[t]["storage"] > 0), f"storage_{r}")

    # 5. power caps (kW, PUE included) and node counts
    for r, reg in p.reg.items():
        if reg["power_cap"] is not None and p.types_in[r]:
            prob += (pulp.lpSum(reg["pue"] * p.typ[t]["power"] / 1e3 * n[r, t] for t in p.types_in[r])
                     <= reg["power_cap"] / 1e3, f"power_{r}")
        if reg["max_nodes"] is not None and p.types_in[r]:
            prob += pulp.lpSum(n[r, t] for t in p.types_in[r]) <= reg["max_nodes"], f"nodes_{r}"

    # 6. sites
    for i, m in p.site_bound().items():
        r, t = p.n_keys[i]
        prob += n[r, t] <= m * open_[r], f"site_{r}_{t}"

    # 7. bandwidth per link direction, Gbps
    on_edge, limit = defaultdict(list), {}
    for i, (d, r) in enumerate(p.x_keys):
        _, _, _, _, origin, traffic, *_ = services[d]
        if traffic > 0:
            for e, bw in p.path(origin, r)[1]:
                on_edge[e].append(traffic * 8e-9 * xv[i])
                limit[e] = bw
    for i, (j, r, *_) in enumerate(p.y_keys):
        _, _, _, origin, size, deadline, _, _ = jobs[j]
        if size > 0:
            for e, bw in p.path(origin, r)[1]:
                on_edge[e].append(size / deadline * 8e-9 * yv[i])
                limit[e] = bw
    for e, terms in on_edge.items():
        prob += pulp.lpSum(terms) <= limit[e] * 8e-9, f"bandwidth_{e}"

    # 8. requires
    var = {"n": lambda i: n[p.n_keys[i]], "open": lambda i: open_[p.open_keys[i]],
           "x": lambda i: xv[i], "y": lambda i: yv[i]}
    for k, row in enumerate(p.requires):
        coefs, lb, ub = scaled(*row)
        expr = pulp.lpSum(c * var[kind](i) for (kind, i), c in coefs.items())
        if lb is not None and ub is not None and lb == ub:
            prob += expr == lb, f"require_{k}"
            continue
        if lb is not None:
            prob += expr >= lb, f"require_{k}_lo"
        if ub is not None:
            prob += expr <= ub, f"require_{k}_hi"
    return prob


def solve_pulp(prob) -> tuple[str, float]:
    import pulp

    try:
        solver = pulp.HiGHS(msg=False, gapRel=1e-6)
        if not solver.available():
            raise pulp.PulpSolverError("highspy not available")
    except Exception:  # older PuLP or no highspy: the command-line HiGHS
        solver = pulp.HiGHS_CMD(msg=False, gapRel=1e-6)
    prob.solve(solver)
    return pulp.LpStatus[prob.status], pulp.value(prob.objective) * MONEY


def pulp_size(prob) -> dict:
    nnz = sum(len(c) for c in prob.constraints.values())
    return {"vars": len(prob.variables()), "rows": len(prob.constraints), "nnz": nnz}
