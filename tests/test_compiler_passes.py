"""Passes that are pure functions of numbers: Amdahl sizing and least-latency paths."""

from fractions import Fraction as F

from hypothesis import given, strategies as st

from suanli.compiler.compute_paths import compute_paths
from suanli.compiler.size_jobs import least_nodes


def test_one_node_when_it_meets_the_deadline_exactly():
    assert least_nodes(F(10), F(0), F(10)) == 1


def test_amdahl_boundary_is_inclusive():
    # tau1 = 100, sigma = 0.2: tau(N) = 20 + 80/N; tau(4) = 40 exactly.
    assert least_nodes(F(100), F(1, 5), F(40)) == 4
    assert least_nodes(F(100), F(1, 5), F(40) - F(1, 10**12)) == 5


def test_serial_part_alone_exceeds_deadline():
    assert least_nodes(F(100), F(1, 2), F(50)) is None
    assert least_nodes(F(100), F(1, 2), F(49)) is None


@given(st.fractions(min_value=F(1, 100), max_value=F(10**6)),
       st.fractions(min_value=0, max_value=F(99, 100)),
       st.fractions(min_value=F(1, 100), max_value=F(10**6)))
def test_least_nodes_is_least(tau1, sigma, deadline):
    n = least_nodes(tau1, sigma, deadline)
    tau = lambda k: tau1 * (sigma + (1 - sigma) / k)  # noqa: E731
    if n is None:
        assert sigma * tau1 >= deadline
    else:
        assert tau(n) <= deadline
        assert n == 1 or tau(n - 1) > deadline


def _link(a, b, latency, cost=0):
    return {"a": a, "b": b, "latency": F(latency), "transfer_cost": F(cost)}


def test_decimal_latencies_tie_then_cost_decides():
    links = [_link("o", "a", "0.003", 5), _link("a", "z", "0.009", 5),
             _link("o", "b", "0.005", 1), _link("b", "z", "0.007", 1)]
    path = compute_paths(["o"], links)["o"]["z"]
    assert path.latency == F("0.012") and path.hops == ("o", "b", "z") and path.cost == 2


def test_full_tie_is_broken_by_region_names():
    links = [_link("o", "b", 1, 1), _link("b", "z", 1, 1), _link("o", "a", 1, 1), _link("a", "z", 1, 1)]
    assert compute_paths(["o"], links)["o"]["z"].hops == ("o", "a", "z")


def test_unreachable_regions_have_no_path():
    paths = compute_paths(["o"], [_link("o", "a", 1)])["o"]
    assert set(paths) == {"o", "a"} and paths["o"].latency == 0
