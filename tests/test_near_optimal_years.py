"""`solve --near-optimal` and `--alternatives` on a multi-year spec (LANGUAGE.md
§11 with §8), from the command line. In tests/fixtures/years_small.spec region a
costs a 1e6 CNY site, far beyond 5% of the optimum (758,387 CNY), so within 5%
the 2026 demand (150 TFLOPS, only `cpu` of 10 TFLOPS is available) stands in b
on exactly 15 nodes; with 200% slack a may take everything (0 in b) and b is
capped by `require nodes(b) <= 50` in every year."""

import json

import pytest
from clirun import ROOT, suanli

SPEC = ROOT / "tests" / "fixtures" / "years_small.spec"


def solve_json(tmp_path, *args):
    out = suanli("solve", SPEC, "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    path = tmp_path / "plan.json"
    path.write_text(out.stdout)
    checked = suanli("verify", SPEC, path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return json.loads(out.stdout)


def test_per_year_range_is_the_hand_count_and_its_plans_verify(tmp_path):
    tight = solve_json(tmp_path, "--near-optimal", "at 2026: nodes(b)")["near_optimal"]
    assert tight["min"]["value"] == pytest.approx(15) and tight["max"]["value"] == pytest.approx(15)
    wide = solve_json(tmp_path, "--near-optimal", "at 2026: nodes(b)", "--slack", "200%")
    near = wide["near_optimal"]
    assert near["bound"] == pytest.approx(3 * wide["objective"])
    assert near["min"]["value"] == pytest.approx(0) and near["max"]["value"] == pytest.approx(50)
    for key in ("min", "max"):
        sub = near[key]["plan"]
        assert sub["objective"] <= near["bound"] * (1 + 1e-9)
        first = next(y for y in sub["years"] if y["year"] == 2026)
        b = next(r for r in first["regions"] if r["name"] == "b")
        assert sum(b["nodes"].values()) == pytest.approx(near[key]["value"])


@pytest.mark.parametrize("metric, unit", [("carbon", "tCO2"), ("cost.capex", "CNY")])
def test_totals_need_no_at_and_bracket_the_optimal_plan(tmp_path, metric, unit):
    plan = solve_json(tmp_path, "--near-optimal", metric, "--slack", "200%")
    near = plan["near_optimal"]
    assert near["unit"] == unit
    optimal = plan["carbon_tco2"] if metric == "carbon" else plan["cost"]["capex"]
    assert near["min"]["value"] <= optimal + 1e-6 <= near["max"]["value"] + 2e-6


def test_a_per_year_metric_without_at_is_an_error_at_its_position():
    out = suanli("solve", SPEC, "--near-optimal", "compute(a) + 0")
    assert out.returncode == 2
    assert "E0806" in out.stderr and "--near-optimal:1:1" in out.stderr and "at YEAR:" in out.stderr


def test_at_outside_the_years_is_an_error_at_the_year():
    out = suanli("solve", SPEC, "--near-optimal", "at 2031: compute(a)")
    assert out.returncode == 2
    assert "E0805" in out.stderr and "--near-optimal:1:4" in out.stderr


def test_positions_inside_the_metric_stay_right_after_at():
    out = suanli("solve", SPEC, "--near-optimal", "at 2027: compute(a) / nodes(a)")
    assert out.returncode == 2
    assert "E0609" in out.stderr and "--near-optimal:1:10" in out.stderr


def test_alternatives_with_years_differ_and_respect_the_bound(tmp_path):
    plan = solve_json(tmp_path, "--near-optimal", "cost", "--alternatives", "2", "--slack", "200%")
    alts = plan["alternatives"]
    assert 1 <= len(alts) <= 2 and alts[0]["weights"] == {"b": 1.0}
    bound = plan["near_optimal"]["bound"]
    for alt in alts:
        assert alt["plan"]["objective"] <= bound * (1 + 1e-9)
        a_nodes = [sum(r["nodes"].values()) for y in alt["plan"]["years"] for r in y["regions"]
                   if r["name"] == "a"]
        assert sum(a_nodes) > 0  # the optimal plan builds only in b: the first alternative leaves it


def test_table_shows_the_range_with_years():
    out = suanli("solve", SPEC, "--near-optimal", "at 2026: nodes(b)", "--slack", "200%",
                 "--format", "table")
    assert out.returncode == 0, out.stderr
    assert "at 2026: nodes(b): 0 .. 50 within 200% of the cheapest cost" in out.stdout


def test_at_must_be_a_year_and_needs_years_in_settings():
    named = suanli("solve", SPEC, "--near-optimal", "at y: compute(a)")
    assert named.returncode == 2 and "E0801" in named.stderr and "--near-optimal:1:4" in named.stderr
    single = ROOT / "tests" / "fixtures" / "near" / "two-hubs.spec"
    out = suanli("solve", single, "--near-optimal", "at 2027: compute(east)")
    assert out.returncode == 2 and "E0807" in out.stderr and "--near-optimal:1:4" in out.stderr
