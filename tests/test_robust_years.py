"""Robust plans and sweeps of a multi-year spec (LANGUAGE.md §8 + §10), from the command line."""

import json

from clirun import ROOT, suanli

SPEC = ROOT / "tests" / "fixtures" / "scenarios" / "years_robust.spec"
YEARS = (2026, 2027, 2028)
SCENARIO_CAPS = {"west_lost": {"west": 0}}  # what the scenario itself caps (a later --set would lift it)


def solve_json(*args):
    result = suanli("solve", SPEC, "--format", "json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result, json.loads(result.stdout)


def installed(plan):
    """{region: {year: installed nodes}} of a plan's years (a sub-plan or a single plan)."""
    out = {}
    for y in plan["years"]:
        for r in y["regions"]:
            out.setdefault(r["name"], {})[y["year"]] = sum(r["nodes"].values())
    return out


def caps_of(nodes, scenario):
    """--set max_nodes schedules: at most the given build-out in every region and year (and no more
    than the scenario allows): the build is fixed from above, placements are free."""
    out, own = [], SCENARIO_CAPS.get(scenario, {})
    for region, per_year in nodes.items():
        caps = [min(per_year[y], own.get(region, float("inf"))) for y in YEARS]
        out += ["--set", f"region.{region}.max_nodes=" + ", ".join(f"{c} from {y}" for c, y in zip(caps, YEARS))]
    return out


def feasible_with(nodes, scenario):
    result = suanli("solve", SPEC, "--scenario", scenario, *caps_of(nodes, scenario), "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode


def test_the_robust_build_out_serves_every_scenario_where_each_single_optimum_fails_another():
    result, plan = solve_json("--robust", "growth,west_lost")
    assert result.returncode == 0, result.stderr
    assert plan["status"] == "optimal" and plan["robust"] == {"scenarios": ["growth", "west_lost"],
                                                              "objective": "mean"}
    shared = installed(plan)  # the robust plan's years hold the shared build-out
    for scenario in ("growth", "west_lost"):  # the shared build-out, placements free: feasible in each
        assert feasible_with(shared, scenario) == 0
        assert installed(next(s["plan"] for s in plan["scenarios"] if s["name"] == scenario)) == shared
    growth = installed(solve_json("--scenario", "growth")[1])
    lost = installed(solve_json("--scenario", "west_lost")[1])
    assert growth["west"][2026] > 0 and lost["east"][2028] < shared["east"][2028]  # the fixture's premise
    assert feasible_with(growth, "west_lost") == 3
    assert feasible_with(lost, "growth") == 3


def test_the_plan_holds_the_shared_build_out_per_year_and_each_scenarios_years():
    _, plan = solve_json("--robust", "growth,west_lost")
    assert [y["year"] for y in plan["years"]] == list(YEARS)
    east = [next(r for r in y["regions"] if r["name"] == "east") for y in plan["years"]]
    assert [sum(r["builds"].values()) for r in east] == [80, 40, 60]  # 400, 600, 900 TFLOPS of 5 TFLOPS nodes
    assert [sum(r["nodes"].values()) for r in east] == [80, 120, 180]
    assert plan["builds"] == [{"region": "east", "open": True, "nodes": {"cpu": 180}},
                              {"region": "west", "open": False, "nodes": {}}]  # the last year's
    for sub in plan["scenarios"]:
        years = sub["plan"]["years"]
        assert [[{k: r[k] for k in ("name", "open", "builds", "nodes")} for r in y["regions"]] for y in years] == \
            [y["regions"] for y in plan["years"]]
        assert {"discount_factor", "cost", "demands"} <= set(years[0])  # each sub-plan is a whole §8 plan


def test_mean_and_max_objectives_of_a_build_out():
    names = "base,growth,west_lost"
    _, mean = solve_json("--robust", names)
    _, worst = solve_json("--robust", names, "--robust-objective", "max")
    subs = lambda plan: [s["plan"]["objective"] for s in plan["scenarios"]]
    assert abs(mean["objective"] - sum(subs(mean)) / 3) <= 1e-6 * mean["objective"]
    assert abs(worst["objective"] - max(subs(worst))) <= 1e-6 * worst["objective"]
    assert worst["objective"] <= max(subs(mean)) * (1 + 1e-9)
    singles = [solve_json(*(["--scenario", n] if n != "base" else []))[1]["objective"] for n in names.split(",")]
    assert mean["objective"] >= sum(singles) / 3 * (1 - 1e-9)  # sharing a build never helps
    assert abs(mean["cost"]["total"] - sum(s["plan"]["cost"]["total"] for s in mean["scenarios"]) / 3) <= 1e-3


def test_verify_checks_each_scenarios_years(tmp_path):
    out = tmp_path / "robust.json"
    assert suanli("solve", SPEC, "--robust", "growth,west_lost", "-o", out).returncode == 0
    for scenario in ("growth", "west_lost"):
        ok = suanli("verify", SPEC, out, "--scenario", scenario)
        assert ok.returncode == 0 and scenario in ok.stdout, ok.stdout + ok.stderr
    data = json.loads(out.read_text())
    lost = data["scenarios"][1]["plan"]
    lost["years"][2]["demands"][0]["regions"] = {"west": 1.0}  # west is lost in west_lost
    out.write_text(json.dumps(data))
    assert suanli("verify", SPEC, out, "--scenario", "growth").returncode == 0
    bad = suanli("verify", SPEC, out, "--scenario", "west_lost")
    assert bad.returncode == 1 and "scenario west_lost" in bad.stdout
    data["scenarios"][1]["plan"] = json.loads((tmp_path / "robust.json").read_text())["scenarios"][1]["plan"]
    data["years"][1]["regions"][0]["builds"] = {"cpu": 41}  # the shared build-out no longer the sub-plans'
    out.write_text(json.dumps(data))
    moved = suanli("verify", SPEC, out, "--scenario", "growth")
    assert moved.returncode == 1 and "differ from the plan's shared builds" in moved.stdout


def test_explain_names_the_scenario_and_the_year():
    cap = ["--set", "region.east.max_nodes=150"]
    for scenario in ("growth", "west_lost"):  # each alone is feasible with the cap
        assert suanli("solve", SPEC, "--scenario", scenario, *cap, "--format", "json").returncode == 0
    solved = suanli("solve", SPEC, "--robust", "growth,west_lost", *cap, "--format", "json")
    assert solved.returncode == 3 and json.loads(solved.stdout)["status"] == "infeasible"
    assert "in scenario" in solved.stderr
    result = suanli("explain", SPEC, "--robust", "growth,west_lost", *cap, "--format", "json")
    assert result.returncode == 3, result.stderr
    data = json.loads(result.stdout)
    assert data["infeasible_alone"] == []
    assert any(i["constraint"].endswith("[y=2028]") and "2028" in i["message"] and "in scenario" in i["message"]
               for i in data["infeasibility"]), data


def test_diff_of_two_robust_build_outs(tmp_path):
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert suanli("solve", SPEC, "--robust", "base,west_lost", "-o", one).returncode == 0
    assert suanli("solve", SPEC, "--robust", "growth,west_lost", "-o", two).returncode == 0
    diff = json.loads(suanli("diff", one, two, "--format", "json").stdout)
    old, new = json.loads(one.read_text()), json.loads(two.read_text())
    east = lambda plan, y: next(r for r in plan["years"][y - 2026]["regions"] if r["name"] == "east")["builds"]
    expected = [(y, east(old, y).get("cpu", 0), east(new, y).get("cpu", 0)) for y in YEARS
                if east(old, y) != east(new, y)]
    assert [(b["year"], b["old"], b["new"]) for b in diff["year_builds"]] == expected and expected
    assert diff["year_sites"] == []
    table = suanli("diff", one, two, "--format", "table")
    assert table.returncode == 0 and "Builds per year that changed" in table.stdout


def test_scenarios_that_cannot_share_a_build_out_are_refused():
    result = suanli("solve", SPEC, "--robust", "growth,short_life")
    assert result.returncode == 2 and "differ in node lifetimes" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_table_shows_the_build_out_per_year():
    result = suanli("solve", SPEC, "--robust", "growth,west_lost", "--format", "table")
    assert result.returncode == 0, result.stderr
    section = result.stdout.split("Shared build-out per year", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[:2] for line in section.splitlines()[3:]] == [["2026", "east"], ["2027", "east"],
                                                                       ["2028", "east"]]


def test_a_sweep_of_a_multi_year_spec_equals_solving_each_case_alone():
    result = suanli("sweep", SPEC, "--scenario", "base", "--scenario", "growth", "--scenario", "west_lost",
                    "--grid", "region.east.power_price=0.5 CNY/kWh,0.7 CNY/kWh", "--jobs", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 6
    for row in rows:
        args = ["--scenario", row["scenario"]] if row["scenario"] else []
        for item in row["overrides"]:
            args += ["--set", item]
        _, plan = solve_json(*args)
        assert row["status"] == plan["status"] == "optimal"
        assert (row["objective"], row["cost"], row["carbon_tco2"]) == (plan["objective"], plan["cost"],
                                                                      plan["carbon_tco2"])
        last = plan["years"][-1]["regions"]
        assert row["nodes"] == {r["name"]: sum(r["nodes"].values()) for r in last if r["nodes"]}
    assert rows[0]["nodes"] != rows[4]["nodes"]  # the west is lost in west_lost
