"""Path totals tie within 1e-9 relative (LANGUAGE.md §6), in the reference search, the
vectorised one and the latency limit; totals 1e-8 apart do not tie.

Two routes o -> a -> z and o -> b -> z whose latencies (or costs) differ by a chosen
relative amount; the reference (compute_paths) and the vectorised table (fast_table)
must pick the same route, and the command line must plan with it.
"""

import json
import random
from fractions import Fraction

import pytest
from clirun import suanli

from suanli.compiler import fast_paths
from suanli.compiler.compute_paths import compute_paths, table_from_exact
from suanli.compiler.fast_paths import fast_table
from suanli.compiler.path_ties import PATH_TIE_REL_TOL, ties_with_least, within_limit_bound

MS = Fraction(1, 1000)


def _link(a, b, latency, cost=0):
    return {"a": a, "b": b, "latency": Fraction(latency), "transfer_cost": Fraction(cost)}


def _two_routes(rel_a: Fraction, cost_a, cost_b, rel_cost_a: Fraction = Fraction(0)):
    """Route via `a` is longer by `rel_a` relative (and costlier by `rel_cost_a`) than via `b`
    when the costs are equal; every leg is 1 ms."""
    extra = 2 * MS * rel_a
    return [_link("o", "a", MS, cost_a), _link("a", "z", MS + extra, Fraction(cost_a) * rel_cost_a),
            _link("o", "b", MS, cost_b), _link("b", "z", MS, 0)]


def _route(links, origin="o", dest="z"):
    """The hops both implementations pick (asserting they agree)."""
    reference = compute_paths([origin], links)[origin][dest]
    fast = fast_table([origin], links)
    assert fast.hops(origin, dest) == reference.hops
    assert tuple(fast) == tuple(table_from_exact([origin], links))
    return reference.hops


def test_the_tolerance_is_the_contracts():
    assert PATH_TIE_REL_TOL == Fraction(1, 10**9)
    assert ties_with_least(Fraction("1.000000001"), 1) and not ties_with_least(Fraction("1.0000000011"), 1)
    assert ties_with_least(0, 0) and not ties_with_least(Fraction(1, 10**20), 0)


def test_latencies_1e_10_apart_tie_and_the_cheaper_route_wins():
    # via a: 2 ms * (1 + 1e-10), cost 1; via b: 2 ms, cost 2. Tied latency: the cost decides.
    assert _route(_two_routes(Fraction(1, 10**10), cost_a=1, cost_b=2)) == ("o", "a", "z")


def test_latencies_1e_10_apart_and_equal_costs_go_by_names():
    # The exact order would take b (shorter by 2e-13 s); tied, the names decide: a < b.
    assert _route(_two_routes(Fraction(1, 10**10), cost_a=1, cost_b=1)) == ("o", "a", "z")


def test_latencies_1e_8_apart_do_not_tie():
    # via a: 1e-8 relative longer and cheaper: the shorter route wins whatever it costs.
    assert _route(_two_routes(Fraction(1, 10**8), cost_a=1, cost_b=2)) == ("o", "b", "z")


def test_costs_1e_10_apart_tie_and_names_decide():
    # equal latency; via a costs 1 + 1e-10 relative more: tied cost, `a` < `b`.
    links = _two_routes(Fraction(0), cost_a=1, cost_b=Fraction(1), rel_cost_a=Fraction(1, 10**10))
    assert _route(links) == ("o", "a", "z")


def test_costs_1e_8_apart_do_not_tie():
    links = _two_routes(Fraction(0), cost_a=1, cost_b=Fraction(1), rel_cost_a=Fraction(1, 10**8))
    assert _route(links) == ("o", "b", "z")


def test_ties_are_measured_from_the_least_total_and_do_not_chain():
    """Three routes 0.6e-9 apart: the first two tie with the least, the third (1.2e-9 from
    the least) does not, however cheap it is."""
    step = 2 * MS * Fraction(6, 10**10)
    links = [_link("o", "a", MS, 3), _link("a", "z", MS),
             _link("o", "b", MS, 2), _link("b", "z", MS + step),
             _link("o", "c", MS, 1), _link("c", "z", MS + 2 * step)]
    assert _route(links) == ("o", "b", "z")


def test_the_tie_carries_along_the_path():
    """The tied choice at m (cheaper, 1e-10 longer) is the prefix of the path beyond it."""
    links = _two_routes(Fraction(1, 10**10), cost_a=1, cost_b=2) + [_link("z", "far", 5 * MS, 1)]
    assert _route(links, dest="far") == ("o", "a", "z", "far")


def test_latency_limit_holds_within_1e_9_relative():
    lat_den = 10**15
    limit = Fraction(12, 1000)
    assert within_limit_bound(limit, lat_den) >= 12 * 10**12  # equal
    assert within_limit_bound(limit, lat_den) >= 12 * 10**12 * (1 + Fraction(1, 10**10))
    assert within_limit_bound(limit, lat_den) < 12 * 10**12 * (1 + Fraction(1, 10**8))
    links = [_link("o", "a", "0.003"), _link("a", "z", "0.009"),
             _link("o", "near", Fraction("0.012") * (1 + Fraction(1, 10**10))),
             _link("o", "far", Fraction("0.012") * (1 + Fraction(1, 10**8)))]
    for table in (fast_table(["o"], links), table_from_exact(["o"], links)):
        assert table.within("o", limit) == {"o", "a", "z", "near"}


def _near_links(rng, names, count, family):
    """Latencies (family 0) or costs (family 1) that differ by 1e-10, 3e-10 and 1e-8
    relative; the other quantity takes a few small values (so the integer keys stay exact)."""
    near_lats, lats = ["1", "1.0000000001", "0.9999999999", "1.00000001", "2", "2.0000000003"], ["1", "2", "0.5"]
    near_costs, costs = ["1", "1.0000000001", "0.99999999", "2", "2.0000000003"], ["0", "1", "2"]
    lats, costs = (near_lats, costs) if family == 0 else (lats, near_costs)
    return [_link(rng.choice(names), rng.choice(names), Fraction(rng.choice(lats)) * MS, rng.choice(costs))
            for _ in range(count)]


@pytest.mark.parametrize("seed", range(40))
def test_vectorised_paths_equal_the_reference_with_near_ties(seed, monkeypatch):
    """Random graphs full of near ties: the vectorised table equals the reference in every
    path, latency, cost and latency filter (odd seeds one origin block at a time)."""
    if seed % 2:
        monkeypatch.setattr(fast_paths, "CHUNK", 1)
    rng = random.Random(seed)
    names = [rng.choice(["a", "b", "z"]) + str(i) for i in range(rng.randint(2, 25))]
    links = _near_links(rng, names, rng.randint(1, 80), family=seed // 2 % 2)
    origins = [rng.choice(names) for _ in range(rng.randint(1, len(names)))]
    fast, exact = fast_table(origins, links), table_from_exact(origins, links)
    assert fast is not None
    assert tuple(fast) == tuple(exact)
    for origin in set(origins):
        for limit in (MS, 2 * MS, 3 * MS, Fraction("2.000000001") * MS):
            assert fast.within(origin, limit) == exact.within(origin, limit)


SPEC = """\
settings {{
  horizon = 1 year
  currency = CNY
}}
region o {{ }}
region a {{ }}
region b {{ }}
region z {{ }}
link o -- a {{ latency = 1 ms; transfer_cost = 1 CNY/GB }}
link a -- z {{ latency = {az} ms; transfer_cost = 0 CNY/GB }}
link o -- b {{ latency = 1 ms; transfer_cost = 2 CNY/GB }}
link b -- z {{ latency = {bz} ms; transfer_cost = 0 CNY/GB }}
node box {{ class = general; compute = 1 TFLOPS; power = 1 kW; regions = [z] }}
demand web {{ class = general; compute = 1 TFLOPS; origin = o; traffic = 1 Mbps; max_latency = {limit} ms }}
"""


def _spec(tmp_path, az: str, bz: str = "1", limit: str = "10"):
    spec = tmp_path / f"ties{az}{bz}.spec"
    spec.write_text(SPEC.format(az=az, bz=bz, limit=limit), encoding="utf-8")
    return spec


def _network_cost(tmp_path, az: str) -> float:
    run = suanli("solve", _spec(tmp_path, az), "--format", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)["cost"]["network"]


def test_solve_pays_the_transfer_cost_of_the_tied_route(tmp_path):
    """o -> a -> z 1e-10 longer than o -> b -> z ties, and the cheaper a route (1 CNY/GB) is
    used; 1e-8 longer does not tie, and the b route (2 CNY/GB) is: twice the network cost."""
    tied, apart = _network_cost(tmp_path, "1.0000000002"), _network_cost(tmp_path, "1.00000002")
    assert tied > 0 and apart == pytest.approx(2 * tied, rel=1e-12)


@pytest.mark.parametrize("lat, code", [("1.0000000002", 0), ("1.00000002", 2)])
def test_latency_limit_from_the_command_line_is_inclusive_within_1e_9(tmp_path, lat, code):
    """max_latency = 2 ms and both routes to z 1e-10 longer: z is within the limit. 1e-8
    longer: z is not, and no allowed region (o, a, b) may build the demand's class (E0703)."""
    run = suanli("check", _spec(tmp_path, lat, lat, limit="2"))
    assert run.returncode == code, run.stderr
    if code:
        assert "E0703" in run.stderr and "can be built in a, b, o\n" in run.stderr
