"""Multi-year build-out (LANGUAGE.md §8), run from the command line as a user would."""

import json
import re
from pathlib import Path

import pytest

from clirun import ROOT, suanli

SMALL = ROOT / "tests" / "fixtures" / "years_small.spec"
BUILDOUT = ROOT / "specs" / "buildout.spec"


def solve_json(path, *args):
    res = suanli("solve", path, "--format", "json", *args)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    return json.loads(res.stdout)


def solve_and_verify(spec, out) -> dict:
    """`suanli solve SPEC -o OUT` and then `suanli verify SPEC OUT` succeed; the plan."""
    res = suanli("solve", spec, "--format", "json", "-o", out)
    assert res.returncode == 0, res.stderr
    assert suanli("verify", spec, out).returncode == 0
    return json.loads(out.read_text())


def test_small_spec_costs_by_hand():
    """2026: 150 TFLOPS -> 15 cpu at 10,000 CNY/year capex + 15 kW x 8760 h x 0.6 CNY/kWh;
    2027-2028: 20 nodes (5 cpu2 from 2027, when it is available); discount 10%."""
    plan = solve_json(SMALL)
    years = {y["year"]: y for y in plan["years"]}
    assert sorted(years) == [2026, 2027, 2028]
    assert years[2026]["cost"]["total"] == pytest.approx(15 * 10_000 + 15 * 8760 * 0.6)
    assert years[2027]["cost"]["total"] == pytest.approx(20 * 10_000 + 20 * 8760 * 0.6)
    assert years[2027]["discount_factor"] == pytest.approx(1 / 1.1)
    total = sum(y["cost"]["total"] * y["discount_factor"] for y in plan["years"])
    assert plan["cost"]["total"] == pytest.approx(total)
    assert plan["objective"] == pytest.approx(total)
    b = {r["name"]: r for r in years[2027]["regions"]}["b"]
    assert b["builds"] == {"cpu2": 5} and b["nodes"] == {"cpu": 15, "cpu2": 5}
    assert all("cpu2" not in r["builds"] for r in years[2026]["regions"])  # available from 2027
    assert [j["name"] for j in years[2027]["jobs"]] == ["train"] and years[2026]["jobs"] == []
    names = {r["name"] for r in plan["requires"]}
    assert "require@tests/fixtures/years_small.spec:42[y=2027]" in names or any(
        n.endswith(":42[y=2027]") for n in names)


def test_solve_then_verify_and_tampering_is_caught(tmp_path):
    plan = solve_and_verify(SMALL, tmp_path / "plan.json")
    plan["years"][2]["regions"][1]["builds"] = {"cpu": 1}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(plan))
    res = suanli("verify", SMALL, bad)
    assert res.returncode != 0
    assert "builds still standing" in res.stdout + res.stderr


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


def test_one_year_range_equals_single_period(tmp_path):
    text = (ROOT / "specs" / "example.spec").read_text(encoding="utf-8")
    single = tmp_path / "single.spec"
    single.write_text(text, encoding="utf-8")
    multi = tmp_path / "multi.spec"
    multi.write_text(_with(text, "horizon = 1 year", "years = 2026 .. 2026"), encoding="utf-8")
    a, b = solve_json(single), solve_json(multi)
    assert b["objective"] == pytest.approx(a["objective"], rel=1e-9)
    assert b["cost"]["total"] == pytest.approx(a["cost"]["total"], rel=1e-9)
    assert "years" not in a and [y["year"] for y in b["years"]] == [2026]


def _objectives_with(tmp_path, old: str, replacements: list[str]) -> list[float]:
    """SMALL's optimal objective with `old` replaced by each of `replacements` in turn."""
    text = SMALL.read_text()
    objectives = []
    for i, new in enumerate(replacements):
        path = tmp_path / f"variant{i}.spec"
        path.write_text(_with(text, old, new))
        objectives.append(solve_json(path)["objective"])
    return objectives


def test_raising_the_discount_rate_never_raises_the_cost(tmp_path):
    costs = _objectives_with(tmp_path, "discount_rate = 10%", [f"discount_rate = {r}" for r in ("0%", "10%", "30%")])
    assert costs[0] >= costs[1] >= costs[2]
    assert costs[0] > costs[2]


def test_raising_growth_never_lowers_the_cost(tmp_path):
    costs = _objectives_with(tmp_path, "growth = 50%", [f"growth = {g}" for g in ("0%", "50%", "80%")])
    assert costs[0] <= costs[1] <= costs[2]


def test_earlier_availability_never_raises_the_cost(tmp_path):
    text = SMALL.read_text()
    path = tmp_path / "early.spec"
    path.write_text(_with(text, "available = 2027", "available = 2026"))
    assert solve_json(path)["objective"] <= solve_json(SMALL)["objective"] + 1e-6


BUILD_FACTS = {2026: {"beijing"}, 2029: {"beijing"}, 2030: {"beijing", "guizhou"}}


def test_buildout_spec_solves_verifies_and_its_reviewed_facts_hold(tmp_path):
    plan = solve_and_verify(BUILDOUT, tmp_path / "buildout.json")
    years = {y["year"]: y for y in plan["years"]}
    assert sorted(years) == list(range(2026, 2031))
    opened = {y: {r["name"] for r in e["regions"] if r["open"]} for y, e in years.items()}
    for year, regions in BUILD_FACTS.items():  # docs/buildout.md: Guizhou opens in 2030, Ningxia never
        assert opened[year] == regions, (year, opened[year])
    for year in (2026, 2027):  # the B200 generation is available from 2028
        assert all("b200" not in r["builds"] for r in years[year]["regions"])
    assert any("b200" in r["builds"] for r in years[2028]["regions"])
    carbon = {r["name"]: r for r in plan["requires"]}["carbon_2030"]
    assert carbon["value"] <= 6 + 1e-9
    assert years[2030]["carbon_tco2"] == pytest.approx(carbon["value"] * 1000)
    table = suanli("solve", BUILDOUT, "--format", "table")
    assert re.search(r"^2030 .*guizhou: \d+ b200", table.stdout, re.M), table.stdout


ERRORS = {
    "E0801": ("settings {\n  years = 2030 .. 2026\n}\n", 2, 11),
    "E0802": ("settings {\n  years = 2026 .. 2027\n  horizon = 1 year\n}\n", 3, 3),
    "E0803": ("settings {\n  years = 2026 .. 2027\n}\n\nregion a {\n"
              "  pue = 1.2 from 2027\n}\n", 6, 18),
    "E0805": ("settings {\n  years = 2026 .. 2027\n}\n\nrequire at 2031: cost <= 1 CNY\n", 5, 12),
    "E0806": ("settings {\n  years = 2026 .. 2027\n}\n\nrequire cost <= 1 CNY * nodes()\n", 5, 9),
    "E0807": ("region a {\n  pue = 1.2 from 2026\n}\n", 2, 9),
    "E0809": ("settings {\n  years = 2026 .. 2027\n}\n\nrequire at 2026: n: at 2027: cost <= 1 CNY\n",
              5, 24),
}


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_errors_point_at_the_source(tmp_path, code):
    text, line, col = ERRORS[code]
    path = tmp_path / "bad.spec"
    path.write_text(text)
    res = suanli("check", path)
    assert res.returncode == 2
    assert f"error[{code}]" in res.stderr, res.stderr
    assert f"bad.spec:{line}:{col}" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("old,new,code", [
    ("0.3 CNY/kWh from 2027", "0.3 CNY/kWh from 2026", "E0803"),
    ("lifetime = 3 years", "lifetime = 30 months", "E0804"),
])
def test_schedule_not_increasing_and_half_year_lifetime(tmp_path, old, new, code):
    path = tmp_path / "bad.spec"
    path.write_text(_with(SMALL.read_text(), old, new))
    res = suanli("check", path)
    assert res.returncode == 2
    assert f"error[{code}]" in res.stderr, res.stderr
    assert re.search(r"bad\.spec:\d+:\d+", res.stderr)


def test_scenario_schedule_replaces_the_whole_schedule(tmp_path):
    text = SMALL.read_text() + ("\nscenario cheap_a {\n"
                                "  region.a.power_price = 0.1 CNY/kWh from 2026, 0.05 CNY/kWh from 2028\n"
                                "  region.a.site_cost = 0 CNY\n"
                                "}\n")
    path = tmp_path / "s.spec"
    path.write_text(text)
    base, cheap = solve_json(path), solve_json(path, "--scenario", "cheap_a")
    assert cheap["objective"] < base["objective"]
    a_2028 = {r["name"]: r for r in cheap["years"][2]["regions"]}["a"]
    assert a_2028["energy_mwh"] > 0  # everything moves to a, at 0.05 CNY/kWh in 2028


# ------------------------------------------------------ generated specs (testing kit knob)

from hypothesis import HealthCheck, given, settings  # noqa: E402

from suanli.compiler.pipeline import load  # noqa: E402
from suanli.solver.solve import SolveConfig, solve_program  # noqa: E402
from suanli.testing import specs  # noqa: E402

_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))


def _solve_text(tmp_path_factory, text: str):
    path = tmp_path_factory.mktemp("gen") / "g.spec"
    path.write_text(text)
    return solve_program(load(str(path)), SolveConfig())


@_SETTINGS
@given(text=specs(years=3))
def test_generated_multi_year_plans_verify(tmp_path_factory, text):
    outcome = _solve_text(tmp_path_factory, text)
    assert outcome.plan.status in ("optimal", "feasible", "infeasible")
    assert outcome.violations == []
    if outcome.plan.years:
        assert [y.year for y in outcome.plan.years] == [2026, 2027, 2028]


@_SETTINGS
@given(text=specs(years=1))
def test_generated_one_year_range_equals_single_period(tmp_path_factory, text):
    single = re.sub(r"  years = 2026 \.\. 2026\n  discount_rate = \d+%\n", "  horizon = 1 year\n", text)
    assert single != text
    single = re.sub(r"  growth = \d+%\n", "", single)  # growth acts from the second year on
    a, b = _solve_text(tmp_path_factory, single), _solve_text(tmp_path_factory, text)
    assert a.plan.status == b.plan.status
    if a.plan.objective is not None:
        assert b.plan.objective == pytest.approx(a.plan.objective, rel=1e-6, abs=1e-6)


# ------------------------------------------------------ explain, shadow prices, diff per year


def test_infeasible_year_is_named(tmp_path):
    path = tmp_path / "inf.spec"
    path.write_text(_with(SMALL.read_text(), "require nodes(b) <= 50", "require compute() <= 200 TFLOPS"))
    res = suanli("solve", path, "--format", "json")
    assert res.returncode == 3, res.stderr
    plan = json.loads(res.stdout)
    assert plan["status"] == "infeasible"
    messages = [i["message"] for i in plan["infeasibility"]]
    assert any("short by 50 TFLOPS in 2027" in m for m in messages), messages
    assert any(i["constraint"].endswith("[y=2027]") for i in plan["infeasibility"])
    explain = suanli("explain", path)
    assert explain.returncode == 3 and "in 2027" in explain.stdout


def test_shadow_price_of_a_require_in_one_year(tmp_path):
    """Relaxed, so the dual is exact: one more TFLOPS of a 2027-only floor raises the
    discounted cost (shadow.py's sign: the objective change per unit more bound)."""
    path = tmp_path / "floor.spec"
    path.write_text(_with(SMALL.read_text(), "require nodes(b) <= 50",
                          "require at 2027: floor: compute() >= 400 TFLOPS"))
    plan = solve_json(path, "--relax")
    prices = {s["constraint"]: s for s in plan["shadow_prices"]}
    assert "require floor" in prices, prices
    assert prices["require floor"]["value"] > 0
    assert "CNY/TFLOPS" in prices["require floor"]["unit"]


def test_diff_of_two_multi_year_plans_speaks_per_year(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert suanli("solve", SMALL, "--format", "json", "-o", a).returncode == 0
    assert suanli("solve", SMALL, "--set", "demand.web.growth=80%", "--format", "json",
                  "-o", b).returncode == 0
    res = suanli("diff", a, b, "--format", "json")
    years = {y["year"]: y for y in json.loads(res.stdout)["years"]}
    assert 2026 not in years and {2027, 2028} <= set(years)
    assert years[2028]["total"]["delta"] > 0
    table = suanli("diff", a, b, "--format", "table").stdout
    assert "Changes per year" in table and "builds of cpu2" in table


# ------------------------------------------------------ metamorphic laws on generated build-outs


def _objective(tmp_path_factory, text: str):
    outcome = _solve_text(tmp_path_factory, text)
    assert outcome.violations == []
    return outcome.plan.objective if outcome.plan.status == "optimal" else None


@_SETTINGS
@given(text=specs(years=3))
def test_law_raising_the_discount_rate_never_raises_the_cost(tmp_path_factory, text):
    low = re.sub(r"discount_rate = \d+%", "discount_rate = 0%", text)
    high = re.sub(r"discount_rate = \d+%", "discount_rate = 25%", text)
    a, b = _objective(tmp_path_factory, low), _objective(tmp_path_factory, high)
    if a is not None and b is not None:
        assert b <= a * (1 + 1e-6) + 1e-6


@_SETTINGS
@given(text=specs(years=3))
def test_law_raising_growth_never_lowers_the_cost(tmp_path_factory, text):
    base = re.sub(r"  growth = \d+%\n", "", text)  # no demand grows ...
    more = re.sub(r"(demand \w+ \{\n)", r"\1  growth = 30%\n", base)  # ... every demand grows 30%
    a, b = _objective(tmp_path_factory, base), _objective(tmp_path_factory, more)
    if a is not None and b is not None:
        assert b >= a * (1 - 1e-6) - 1e-6


@_SETTINGS
@given(text=specs(years=3))
def test_law_earlier_availability_never_raises_the_cost(tmp_path_factory, text):
    late = re.sub(r"(node \w+ \{\n)", r"\1  available = 2028\n", text, count=2)
    a, b = _objective(tmp_path_factory, text), _objective(tmp_path_factory, late)
    if a is not None and b is not None:
        assert a <= b * (1 + 1e-6) + 1e-6


def test_lp_file_names_years_and_cbc_agrees_with_highs(tmp_path):
    lp = tmp_path / "years.lp"
    res = suanli("solve", SMALL, "--write-lp", lp, "--format", "json", "-o", tmp_path / "p.json")
    assert res.returncode == 0, res.stderr
    text = lp.read_text()
    assert "installed(b,cpu)_y2027" in text and "b(b,cpu2)_y2027" in text and "stay_open(a)_y2027" in text
    highs = json.loads((tmp_path / "p.json").read_text())["objective"]
    assert solve_json(SMALL, "--solver", "cbc")["objective"] == pytest.approx(highs, rel=1e-6)


def test_memory_and_backups_hold_in_every_year(tmp_path):
    """§9 rows per year: 8 TB of memory needs 8 nodes in both years (growth scales compute,
    storage and traffic, not memory); the backup's 20 TB (24 TB in 2027) count as storage."""
    spec = ROOT / "tests" / "fixtures" / "years_memory_backups.spec"
    out = tmp_path / "plan.json"
    assert suanli("solve", spec, "--format", "json", "-o", out).returncode == 0
    assert suanli("verify", spec, out).returncode == 0
    plan = json.loads(out.read_text())
    for year in plan["years"]:
        nodes = {r["name"]: r["nodes"] for r in year["regions"]}
        assert sum(v for n in nodes.values() for v in n.values()) == 8
        assert year["demands"][0]["backups"] == ["a"]
    assert plan["years"][0]["cost"]["total"] == pytest.approx(8 * 15_000 + 8 * 8760 * 0.5)
