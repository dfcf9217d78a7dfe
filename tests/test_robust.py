"""Robust plans (LANGUAGE.md §10): one build for several scenarios, from the command line."""

import json
import shutil

from clirun import ROOT, suanli

FIXTURES = ROOT / "tests" / "fixtures" / "scenarios"
SPEC = FIXTURES / "robust.spec"
FEATURES = ROOT / "specs" / "features.spec"


def solve_json(*args, spec=SPEC):
    result = suanli("solve", spec, "--format", "json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result, json.loads(result.stdout)


SCENARIO_CAPS = {"west_lost": {"west": 0}}  # what the scenario itself caps (a later --set would lift it)


def caps_of(builds, scenario):
    """--set caps that allow at most the given build in every region (and no more than the scenario)."""
    out, own = [], SCENARIO_CAPS.get(scenario, {})
    for b in builds:
        cap = min(sum(b["nodes"].values()), own.get(b["region"], float("inf")))
        out += ["--set", f"region.{b['region']}.max_nodes={cap}"]
    return out


def single_builds(scenario):
    _, plan = solve_json("--scenario", scenario)
    return [{"region": r["name"], "nodes": r["nodes"]} for r in plan["regions"]]


def test_the_robust_build_serves_every_scenario_where_each_single_optimum_fails_another():
    result, plan = solve_json("--robust", "growth,west_lost")
    assert result.returncode == 0, result.stderr
    assert plan["status"] == "optimal" and plan["robust"] == {"scenarios": ["growth", "west_lost"],
                                                              "objective": "mean"}
    for scenario in ("growth", "west_lost"):  # the shared build, placements free: feasible in each
        assert suanli("solve", SPEC, "--scenario", scenario, *caps_of(plan["builds"], scenario),
                      "--format", "json").returncode == 0
    growth, lost = single_builds("growth"), single_builds("west_lost")
    assert suanli("solve", SPEC, "--scenario", "west_lost", *caps_of(growth, "west_lost"), "--format", "json").returncode == 3
    assert suanli("solve", SPEC, "--scenario", "growth", *caps_of(lost, "growth"), "--format", "json").returncode == 3
    for sub in plan["scenarios"]:  # every sub-plan carries the shared node counts
        assert {r["name"]: r["nodes"] for r in sub["plan"]["regions"]} == {b["region"]: b["nodes"]
                                                                           for b in plan["builds"]}


def test_mean_and_max_objectives_and_their_bounds():
    names = ["base", "price_shock"]
    singles = [solve_json(*(["--scenario", n] if n != "base" else []), spec=FEATURES)[1]["objective"] for n in names]
    _, mean = solve_json("--robust", ",".join(names), spec=FEATURES)
    _, worst = solve_json("--robust", ",".join(names), "--robust-objective", "max", spec=FEATURES)
    mean_subs = [s["plan"]["objective"] for s in mean["scenarios"]]
    worst_subs = [s["plan"]["objective"] for s in worst["scenarios"]]
    assert abs(mean["objective"] - sum(mean_subs) / 2) <= 1e-6 * mean["objective"]
    assert abs(worst["objective"] - max(worst_subs)) <= 1e-6 * worst["objective"]
    assert mean["objective"] >= sum(singles) / 2 * (1 - 1e-9)  # sharing a build never helps
    assert worst["objective"] >= max(singles) * (1 - 1e-9)
    assert worst["objective"] <= max(mean_subs) * (1 + 1e-9)  # max minimises the worst scenario
    assert mean["cost"]["total"] == sum(s["plan"]["cost"]["total"] for s in mean["scenarios"]) / 2


def test_a_robust_plan_over_the_base_alone_is_the_plain_plan():
    _, plain = solve_json(spec=FEATURES)
    _, robust = solve_json("--robust", "base", spec=FEATURES)
    assert robust["objective"] == plain["objective"]
    assert robust["scenarios"][0]["plan"]["regions"] == plain["regions"]


def test_settings_robust_list(tmp_path):
    shutil.copy(FIXTURES / "nodes.spec", tmp_path / "nodes.spec")
    text = SPEC.read_text(encoding="utf-8").replace("utilization = 100%",
                                                    "utilization = 100%\n  robust = [growth, west_lost]")
    (tmp_path / "r.spec").write_text(text, encoding="utf-8")
    result, plan = solve_json(spec=tmp_path / "r.spec")
    assert result.returncode == 0 and plan["robust"]["scenarios"] == ["growth", "west_lost"]
    _, chosen = solve_json("--robust", "base", spec=tmp_path / "r.spec")  # the option wins
    assert chosen["robust"]["scenarios"] == ["base"]
    _, alone = solve_json("--scenario", "growth", spec=tmp_path / "r.spec")  # one scenario: a plain plan
    assert alone["scenario"] == "growth" and "robust" not in alone
    (tmp_path / "bad.spec").write_text(text.replace("west_lost]", "west_lots]"), encoding="utf-8")
    bad = suanli("solve", tmp_path / "bad.spec")
    assert bad.returncode == 2 and "E0412" in bad.stderr and "west_lost" in bad.stderr
    assert "bad.spec:" in bad.stderr


def test_verify_checks_one_sub_plan_or_all(tmp_path):
    out = tmp_path / "robust.json"
    assert suanli("solve", SPEC, "--robust", "growth,west_lost", "-o", out).returncode == 0
    ok = suanli("verify", SPEC, out, "--scenario", "west_lost")
    assert ok.returncode == 0 and "west_lost" in ok.stdout
    data = json.loads(out.read_text())
    sub = data["scenarios"][1]["plan"]
    sub["demands"][0]["regions"] = {"west": 1.0}  # west is lost in west_lost
    out.write_text(json.dumps(data))
    assert suanli("verify", SPEC, out, "--scenario", "growth").returncode == 0
    bad = suanli("verify", SPEC, out, "--scenario", "west_lost")
    assert bad.returncode == 1 and "scenario west_lost" in bad.stdout
    assert suanli("verify", SPEC, out).returncode == 1
    assert suanli("verify", SPEC, out, "--scenario", "nope").returncode == 2


def test_explain_names_the_scenario_that_breaks_the_shared_build():
    args = ["--robust", "growth,west_lost", "--set", "region.east.max_nodes=100"]
    for scenario in ("growth", "west_lost"):  # each alone is feasible with the cap
        assert suanli("solve", SPEC, "--scenario", scenario, args[2], args[3], "--format", "json").returncode == 0
    solved = suanli("solve", SPEC, *args, "--format", "json")
    assert solved.returncode == 3 and json.loads(solved.stdout)["status"] == "infeasible"
    result = suanli("explain", SPEC, *args)
    assert result.returncode == 3, result.stderr
    assert "in scenario growth: general compute in east short by 100 TFLOPS" in result.stdout
    data = json.loads(suanli("explain", SPEC, *args, "--format", "json").stdout)
    assert data["infeasible_alone"] == [] and data["infeasibility"][0]["constraint"].startswith("[growth]")
    assert suanli("explain", SPEC, "--robust", "base,growth").returncode == 0


def test_diff_of_two_robust_plans(tmp_path):
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert suanli("solve", SPEC, "--robust", "base,growth", "-o", one).returncode == 0
    assert suanli("solve", SPEC, "--robust", "base,growth,west_lost", "-o", two).returncode == 0
    diff = json.loads(suanli("diff", one, two, "--format", "json").stdout)
    changed = {(b["region"], b["node_type"]): (b["old"], b["new"]) for b in diff["builds"]}
    assert changed == {("east", "cpu"): (0, 120), ("west", "cpu"): (120, 0)}
    assert [s["name"] for s in diff["scenarios"]] == ["base", "growth", "west_lost"]
    assert diff["scenarios"][2]["in"] == "new"
    table = suanli("diff", one, two, "--format", "table")
    assert table.returncode == 0 and "Shared builds that changed" in table.stdout
    assert suanli("diff", one, two, "--max-increase", "1%").returncode == 1


def test_robust_option_errors():
    assert suanli("solve", SPEC, "--robust", "growth,nope").returncode == 2
    both = suanli("solve", SPEC, "--robust", "growth", "--scenario", "growth")
    assert both.returncode == 2 and "cannot be combined" in both.stderr
    assert suanli("solve", SPEC, "--robust", "growth,,base").returncode == 2


def test_a_shared_build_may_need_more_nodes_than_one_scenario_could_use():
    """Each scenario's site bound M covers only its own demand; the stack uses the largest,
    so base + growth builds the growth optimum (120 nodes in the cheap west), not 80 + 40."""
    _, growth = solve_json("--scenario", "growth")
    _, robust = solve_json("--robust", "base,growth")
    assert robust["objective"] == growth["objective"]
    assert {b["region"]: b["nodes"] for b in robust["builds"]} == {"east": {}, "west": {"cpu": 120}}


def test_the_readme_shows_the_robust_plan_it_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "suanli solve specs/features.spec --robust base,price_shock --robust-objective max --format table"
    shown = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    assert suanli(*command.split()[1:]).stdout == shown



def test_a_robust_solve_refuses_to_write_its_program(tmp_path):
    """--write-lp/--write-mps with --robust were silently ignored: now a clear exit 2, nothing written."""
    for option, name in (("--write-mps", "p.mps"), ("--write-lp", "p.lp")):
        result = suanli("solve", SPEC, "--robust", "growth,west_lost", option, tmp_path / name)
        assert result.returncode == 2 and "not available for robust plans" in result.stderr
        assert not (tmp_path / name).exists()
