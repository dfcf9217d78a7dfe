"""The fast `solve --relax` pipeline: one HiGHS model from the first solve,
re-run warm for polishing and the tie-break over the optimal face, its duals
as the shadow prices; and the vectorised lowering that feeds it.

Each test states the guarantee it keeps: the documented tie-break rule,
deterministic bytes, verified plans, shadow prices, the time limit, and a
lowering identical to the straightforward one it replaced."""

from __future__ import annotations

import numpy as np
import pytest

from solver_fixtures import (
    GBPS, HOUR, KW, MW, TB, TFLOPS, job, lin, link, metric, node, objective, program, region, service,
)
from suanli.solver import postsolve
from suanli.solver.backend import SolveOptions, Status, installed_backends
from suanli.solver.columns import build_columns
from suanli.solver.highs_backend import HighsBackend
from suanli.solver.index import Index
from suanli.solver.lower import lower
from suanli.solver.plan import dumps, plan_dict
from suanli.solver.solve import SolveConfig, solve_program
from suanli.solver.sparse import to_csr
from suanli.solver.verify import verify

U = TFLOPS


def _ties():
    """Two identical regions and two identical types: every split of the
    work between them costs the same; the rule picks region `alpha`, type `a`."""
    regs = [region("zeta"), region("alpha")]
    nodes = [node("b", compute=U, capex=1.0), node("a", compute=U, capex=1.0)]
    return program(regs, nodes, demands=[service("s1", compute=U), service("s2", compute=2.5 * U)])


def _mixed():
    """Sites, jobs, limited links, a require: every row family of §6."""
    regs = [region("a", site_cost=50.0, power_cap=20 * KW, power_price=1e-7),
            region("b", site_cost=20.0), region("c", max_nodes=6)]
    nodes = [node("cpu", compute=U, capex=3.0, storage=2 * TB),
             node("gpu", cls="ai", compute=4 * U, capex=9.0, max_per_region=5),
             node("disk", cls="store", storage=50 * TB, capex=2.0, regions=("b", "c"))]
    links = [link("a", "b", bandwidth=10 * GBPS, transfer_cost=1e-12), link("b", "c", latency=0.002)]
    demands = [service("web", compute=3 * U, storage=TB, origin="a", traffic=2 * GBPS),
               service("db", cls="store", storage=120 * TB, origin="c", traffic=GBPS, split=False),
               job("train", "ai", work=40 * U * HOUR, deadline=4 * HOUR, origin="b", data=1e12,
                   storage=TB, serial_fraction=0.05),
               job("batch", "general", work=6 * U * HOUR, deadline=2 * HOUR)]
    return program(regs, nodes, links, demands)


class _Calls:
    """Counts HiGHS solves from scratch and warm re-runs."""

    def __init__(self, monkeypatch):
        self.scratch, self.warm = 0, 0
        solve, resolve = HighsBackend.solve, HighsBackend.resolve

        def counted_solve(backend, *a, **kw):
            self.scratch += 1
            return solve(backend, *a, **kw)

        def counted_resolve(backend, *a, **kw):
            self.warm += 1
            return resolve(backend, *a, **kw)

        monkeypatch.setattr(HighsBackend, "solve", counted_solve)
        monkeypatch.setattr(HighsBackend, "resolve", counted_resolve)


@pytest.mark.parametrize("make", [_ties, _mixed])
def test_relaxed_solve_is_one_scratch_solve_then_warm_reruns(make, monkeypatch):
    calls = _Calls(monkeypatch)
    out = solve_program(make(), SolveConfig(relax=True))
    assert out.violations == []
    assert calls.scratch == 1  # no polish, tie-break or shadow LP from scratch
    assert 1 <= calls.warm <= 2  # tight tolerances, then (unless unique) the face


def test_relaxed_tie_break_follows_the_documented_rule():
    plan = solve_program(_ties(), SolveConfig(relax=True)).plan
    nodes = {r.name: r.nodes for r in plan.regions}
    assert nodes == {"alpha": {"a": 3.5}, "zeta": {}}
    assert all(d.regions == {"alpha": 1.0} for d in plan.demands)


def test_relaxed_tie_break_under_maximize():
    """The secondary objective is minimised whatever the primary sense."""
    prog = _ties().model_copy(update={"objective": objective(
        lin((-1.0, metric("cost"))), "maximize")})
    plan = solve_program(prog, SolveConfig(relax=True)).plan
    assert {r.name: r.nodes for r in plan.regions} == {"alpha": {"a": 3.5}, "zeta": {}}
    assert plan.objective == pytest.approx(-3.5)


@pytest.mark.parametrize("make", [_ties, _mixed])
def test_relaxed_plans_are_byte_identical_across_runs(make):
    a = dumps(solve_program(make(), SolveConfig(relax=True)).plan)
    b = dumps(solve_program(make(), SolveConfig(relax=True)).plan)
    assert a == b


def test_face_tie_break_keeps_the_primary_optimum():
    """The face holds only optimal plans: no cost is traded for the secondary."""
    prog = _mixed()
    sp = lower(prog, relax=True)
    direct = HighsBackend().solve(sp, SolveOptions(feasibility_tol=1e-10))
    out = solve_program(prog, SolveConfig(relax=True))
    lp = direct.objective * sp.obj_scale
    assert out.plan.objective == pytest.approx(lp, rel=1e-11, abs=1e-9)
    assert verify(prog, out.plan) == []


def test_secondary_objective_is_minimal_on_the_face():
    """Against the slow, literal rule: the secondary minimised over
    {x feasible, primary <= optimum + 1e-10 relative}, solved from scratch."""
    prog = _ties()
    sp = lower(prog, relax=True)
    first = HighsBackend().solve(sp, SolveOptions(feasibility_tol=1e-10))
    slab = postsolve.objective_row(sp, first.objective, 1e-12).replace(
        cost=postsolve.secondary_cost(sp), offset=0.0, sense="minimize")
    literal = HighsBackend().solve(slab, SolveOptions(feasibility_tol=1e-10))
    fast, _ = postsolve.finish_lp(sp, HighsBackend().solve(sp, SolveOptions(), keep=True),
                                  lambda: SolveOptions())
    w = postsolve.secondary_cost(sp)
    assert w @ fast == pytest.approx(literal.objective, rel=1e-9)


def test_relaxed_shadow_prices_are_the_lp_duals():
    """A power cap binds in the cheap region: one MW more is worth what moving
    a MW of nodes from the dear region saves -- checked by re-solving with the
    cap raised (finite difference over the whole horizon)."""
    def prog(cap):
        regs = [region("cheap", power_cap=cap), region("dear")]
        nodes = [node("cpu", compute=U, power=KW, capex=1.0, regions=("cheap",)),
                 node("cpu2", compute=U, power=KW, capex=3.0, regions=("dear",))]
        return program(regs, nodes, demands=[service("s", compute=7.5 * U)])

    out = solve_program(prog(5 * KW), SolveConfig(relax=True))
    price = {s.constraint: s.value for s in out.plan.shadow_prices}["power_cap(cheap)"]
    up = solve_program(prog(5 * KW + 0.001 * MW), SolveConfig(relax=True)).plan.objective
    assert price == pytest.approx((up - out.plan.objective) / 0.001, rel=1e-9)
    assert price == pytest.approx(-2000.0)  # 1000 nodes per MW, 2 CNY saved each


def test_shadow_prices_match_a_fresh_solve_of_the_lp(monkeypatch):
    """The duals of the warm re-run equal those of the LP solved from scratch
    with the tight tolerances (the old shadow LP of a relaxed program)."""
    prog = _mixed()
    new = solve_program(prog, SolveConfig(relax=True)).plan.shadow_prices

    def old_style(sp, first, options, tie=True):
        res = HighsBackend().solve(sp, postsolve._lp_options(options()))
        return np.clip(res.x, sp.col_lb, sp.col_ub), res

    monkeypatch.setattr(postsolve, "finish_lp", old_style)
    old = solve_program(prog, SolveConfig(relax=True)).plan.shadow_prices
    assert [s.constraint for s in new] == [s.constraint for s in old]
    for a, b in zip(new, old):
        assert a.value == pytest.approx(b.value, rel=1e-7)


@pytest.mark.skipif("cbc" not in installed_backends(), reason="CBC not installed")
def test_cbc_relaxed_plan_equals_highs():
    """With CBC, HiGHS re-solves the LP as its backend would, so the plans agree byte for byte."""
    plans = [plan_dict(solve_program(_mixed(), SolveConfig(solver=s, relax=True)).plan) for s in ("highs", "cbc")]
    for p in plans:
        p.pop("solver"), p.pop("gap")  # CBC reports no gap for an LP
    assert plans[0] == plans[1]


def test_no_tie_break_skips_the_face_solve(monkeypatch):
    calls = _Calls(monkeypatch)
    out = solve_program(_ties(), SolveConfig(relax=True, tie_break=False))
    assert out.violations == []
    assert (calls.scratch, calls.warm) == (1, 1)


def test_unique_optimum_needs_no_tie_break(monkeypatch):
    """A non-degenerate dual proves the optimum unique: no face solve."""
    regs = [region("a", power_cap=3 * KW), region("b")]
    nodes = [node("cpu", compute=U, power=KW, capex=1.0, regions=("a",)),
             node("cpu2", compute=U, power=KW, capex=2.0, regions=("b",))]
    prog = program(regs, nodes, demands=[service("s", compute=4.5 * U, allowed=("a", "b"))])
    calls = _Calls(monkeypatch)
    plan = solve_program(prog, SolveConfig(relax=True)).plan
    assert {r.name: r.nodes for r in plan.regions} == {"a": {"cpu": 3}, "b": {"cpu2": 1.5}}
    assert calls.warm == 1


def test_warm_rerun_time_limit_counts_from_now():
    """HiGHS's time limit covers every run of a model: a re-run gets the time
    used so far plus what remains, so it is not stopped at once."""
    sp = lower(_mixed(), relax=True)
    highs = HighsBackend()
    first = highs.solve(sp, SolveOptions(), keep=True)
    used = first.model.getRunTime()
    res = highs.resolve(first.model, sp, SolveOptions(time_limit=30.0, feasibility_tol=1e-10))
    assert res.status is Status.OPTIMAL
    _, limit = first.model.getOptionValue("time_limit")
    assert limit == pytest.approx(used + 30.0, abs=1.0)


def test_relaxed_time_limit_still_verified():
    out = solve_program(_mixed(), SolveConfig(relax=True, time_limit=30.0))
    assert out.plan.status == "optimal" and out.violations == []


def test_integer_solve_unchanged_path(monkeypatch):
    """MILPs keep their pipeline: tie-break, polish and the fixed shadow LP."""
    seen = []
    for name in ("tie_break", "polish", "shadow_lp"):
        fn = getattr(postsolve, name)
        monkeypatch.setattr(postsolve, name, lambda *a, _f=fn, _n=name, **k: seen.append(_n) or _f(*a, **k))
    out = solve_program(_ties(), SolveConfig())
    assert out.violations == [] and seen == ["tie_break", "polish", "shadow_lp"]
    assert {r.name: r.nodes for r in out.plan.regions} == {"alpha": {"a": 4}, "zeta": {}}


# ---- lowering: identical to the straightforward implementation ----------------

def _lexsort_csr(rows, cols, vals, nrow):
    order = np.lexsort((cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    summed = np.bincount(np.cumsum(new) - 1, weights=vals)
    rows, cols = rows[new], cols[new]
    keep = summed != 0
    rows, cols, summed = rows[keep], cols[keep], summed[keep]
    indptr = np.zeros(nrow + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=nrow), out=indptr[1:])
    return indptr, cols.astype(np.int64), summed.astype(float)


def test_to_csr_beyond_int64_keys():
    rows, cols = np.array([3, 0, 3, 3]), np.array([2 ** 62, 5, 3, 3])  # 4 rows x 2**62 columns
    indptr, indices, values = to_csr(rows, cols, np.array([1.0, 2.0, 3.0, 4.0]), 4)
    assert indices.tolist() == [5, 3, 2 ** 62] and values.tolist() == [2.0, 7.0, 1.0]
    assert indptr.tolist() == [0, 1, 1, 1, 3]


@pytest.mark.parametrize("shape", ["random", "sorted", "cancel", "huge"])
def test_to_csr_equals_the_lexsort_one(shape):
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(1, 300))
        big = 2 ** 58 if shape == "huge" else 40  # huge: key and entry number need > 64 bits
        r, c = rng.integers(0, 25, n), rng.integers(0, big, n)
        v = rng.normal(size=n)
        v[rng.random(n) < 0.1] = 0.0
        if shape == "sorted":
            o = np.lexsort((c, r))
            r, c = r[o], c[o]
        if shape == "cancel":
            r, c, v = np.concatenate([r, r]), np.concatenate([c, c]), np.concatenate([v, -v])
        nrow = int(r.max()) + 3
        args = (r.copy(), c.copy(), v.copy())
        got, want = to_csr(r, c, v, nrow), _lexsort_csr(r, c, v, nrow)
        for a, b in zip(got, want):
            assert a.dtype == b.dtype and np.array_equal(a, b)
        assert all(np.array_equal(a, b) for a, b in zip(args, (r, c, v)))  # inputs untouched
        got[1][:] = -1
        assert (c >= 0).all()  # the result never aliases the inputs


def _job_columns_by_loop(ix: Index):
    R = len(ix.program.regions)
    rows = []
    for j, jb in enumerate(ix.program.jobs):
        origin = ix.region_ix[jb.origin] if jb.origin is not None else -1
        for r_name in jb.allowed_regions:
            r = ix.region_ix[r_name]
            if jb.storage > 0 and not ix.has_storage[r]:
                continue
            for o, opt in enumerate(jb.options):
                t = ix.type_ix[opt.node_type]
                if ix.buildable[r, t]:
                    pair = origin * R + r if origin >= 0 and origin != r else -1
                    rows.append((j, r, t, o, pair, opt.nodes, opt.consumed))
    return rows


def test_job_columns_equal_the_loop():
    ix = Index(_mixed())
    c = build_columns(ix)
    want = _job_columns_by_loop(ix)
    got = list(zip(c.y_j.tolist(), c.y_r.tolist(), c.y_t.tolist(), c.y_o.tolist(), c.y_pair.tolist(),
                   c.y_nodes.tolist(), c.y_consumed.tolist()))
    assert got == want and len(want) > 3
    assert c.y_nodes.dtype == np.int64 and c.y_consumed.dtype == float


def test_bandwidth_rows_only_for_limited_directions():
    sp = lower(_mixed(), relax=True)
    fam = sp.family("bandwidth", rows=True)
    assert fam is not None and len(fam) == 2  # a->b and b->a; the b-c link is unlimited
    rows = sp.row_of()
    inside = (rows >= fam.start) & (rows < fam.stop)
    cols = sp.indices[inside]
    assert len(cols) > 0 and (cols >= sp.family("x").start).all()  # only placements carry traffic
