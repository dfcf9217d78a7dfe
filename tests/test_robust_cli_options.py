"""`suanli solve SPEC --robust ...` with --relax, with --solver cbc, and its exit codes 1 and 4
(LANGUAGE.md §7 and §10), run from the command line as a user runs them."""

import json
import shutil
import subprocess
import sys

import pytest
from clirun import ROOT, suanli

SCENARIOS = ROOT / "tests" / "fixtures" / "scenarios"
FEATURES = ROOT / "specs" / "features.spec"
ROBUST = "base,price_shock"  # features.spec: its LP relaxation is fractional, unlike robust.spec's


def robust_json(*args, spec=FEATURES, code=0):
    result = suanli("solve", spec, "--robust", ROBUST, "--format", "json", *args)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def close(a, b, rel=1e-6):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


@pytest.fixture(scope="module")
def milp():
    return robust_json()


def test_relax_solves_the_lp_relaxation_of_the_shared_build(milp, tmp_path):
    out = tmp_path / "relaxed.json"
    assert suanli("solve", FEATURES, "--robust", ROBUST, "--relax", "--format", "json", "-o", out).returncode == 0
    lp = json.loads(out.read_text(encoding="utf-8"))
    assert lp["relaxed"] is True and milp["relaxed"] is False
    assert all(s["plan"]["relaxed"] for s in lp["scenarios"])
    assert lp["objective"] <= milp["objective"] * (1 + 1e-9)  # a relaxation never costs more
    counts = [v for b in lp["builds"] for v in b["nodes"].values()]
    assert any(abs(v - round(v)) > 1e-6 for v in counts)  # node counts are real, not rounded
    for sub in lp["scenarios"]:  # every sub-plan carries the shared (fractional) build
        assert {r["name"]: r["nodes"] for r in sub["plan"]["regions"]} == {b["region"]: b["nodes"]
                                                                           for b in lp["builds"]}
    verified = suanli("verify", FEATURES, out)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_relaxed_robust_plan_costs_at_least_the_mean_of_the_relaxed_single_plans():
    lp = robust_json("--relax")
    singles = [json.loads(suanli("solve", FEATURES, "--relax", "--format", "json", *extra).stdout)["objective"]
               for extra in ([], ["--scenario", "price_shock"])]
    assert lp["objective"] >= sum(singles) / 2 * (1 - 1e-9)  # sharing one build never helps


def test_cbc_finds_the_same_robust_objective_as_highs(milp, tmp_path):
    out = tmp_path / "cbc.json"
    assert suanli("solve", FEATURES, "--robust", ROBUST, "--solver", "cbc", "--format", "json",
                  "-o", out).returncode == 0
    cbc = json.loads(out.read_text(encoding="utf-8"))
    assert cbc["solver"] == "cbc" and {s["plan"]["solver"] for s in cbc["scenarios"]} == {"cbc"}
    assert cbc["status"] in ("optimal", "feasible")
    assert close(cbc["objective"], milp["objective"], rel=2e-4)  # both within the default MIP gap
    assert [s["name"] for s in cbc["scenarios"]] == ["base", "price_shock"]
    assert suanli("verify", FEATURES, out).returncode == 0


def test_cbc_and_highs_relaxations_agree():
    highs = robust_json("--relax")
    cbc = robust_json("--relax", "--solver", "cbc")
    assert cbc["relaxed"] is True and cbc["solver"] == "cbc"
    assert close(cbc["objective"], highs["objective"])


def test_exit_1_when_a_mandatory_assert_fails_in_some_scenario(tmp_path):
    shutil.copy(SCENARIOS / "nodes.spec", tmp_path / "nodes.spec")
    text = (SCENARIOS / "robust.spec").read_text(encoding="utf-8")
    tight = text.replace("cost <= 12e6 CNY", "cost <= 1.5e6 CNY")  # the shared build costs 1,540,480
    (tmp_path / "tight.spec").write_text(tight, encoding="utf-8")
    result = suanli("solve", tmp_path / "tight.spec", "--robust", "base,west_lost", "--format", "json")
    assert result.returncode == 1, result.stderr
    plan = json.loads(result.stdout)
    assert plan["status"] == "optimal"  # solved: only the assert fails
    for sub in plan["scenarios"]:
        assert [(a["name"], a["passed"]) for a in sub["plan"]["asserts"]] == [("budget", False)]
        assert f"scenario {sub['name']}: assert budget fails at " in result.stderr
    advisory = tight.replace("assert budget:", "assert advisory budget:")
    (tmp_path / "advisory.spec").write_text(advisory, encoding="utf-8")
    relaxed = suanli("solve", tmp_path / "advisory.spec", "--robust", "base,west_lost", "--format", "json")
    assert relaxed.returncode == 0, relaxed.stderr  # an advisory assert never fails the run
    assert "advisory assert budget fails" in relaxed.stderr


@pytest.mark.parametrize("options", [["--relax"], ["--solver", "cbc"], ["--relax", "--solver", "cbc"]], ids=" ".join)
def test_exit_3_when_no_one_build_serves_every_scenario_with_relax_and_cbc(options):
    """A cap east cannot meet when the west is lost and demand grows: infeasible with either
    solver and in the relaxation too (the cap binds the LP as well), explained per scenario."""
    result = suanli("solve", SCENARIOS / "robust.spec", "--robust", "growth,west_lost",
                    "--set", "region.east.max_nodes=100", "--format", "json", *options)
    assert result.returncode == 3, result.stderr
    plan = json.loads(result.stdout)
    assert plan["status"] == "infeasible" and plan["scenarios"] == []
    assert plan["infeasibility"][0]["message"].startswith("in scenario growth: general compute in east short")
    assert "the robust plan is infeasible" in result.stderr


@pytest.fixture(scope="module")
def m_spec(tmp_path_factory):
    """bench's M-sized spec: too large for HiGHS to find a plan in its shortest time limit."""
    path = tmp_path_factory.mktemp("m") / "m.spec"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "M", "--seed", "1", "-o", str(path)],
                   check=True, capture_output=True)
    return path


def test_exit_4_when_no_plan_is_found_within_the_time_limit(m_spec, tmp_path):
    saved = tmp_path / "saved.json"
    result = suanli("solve", m_spec, "--robust", "base,base", "--time-limit", "0.01", "--format", "json",
                    "--save-plan", saved)
    assert result.returncode == 4, result.stderr
    plan = json.loads(result.stdout)
    assert plan["status"] == "time_limit" and plan["objective"] is None and plan["scenarios"] == []
    assert "no plan: the solver says time_limit" in result.stderr
    assert json.loads(saved.read_text(encoding="utf-8")) == plan  # --save-plan holds the same answer
    table = suanli("solve", m_spec, "--robust", "base,base", "--time-limit", "0.01", "--format", "table")
    assert table.returncode == 4 and "status     time_limit" in table.stdout


COUNTING = """
import sys
from suanli.compiler import pipeline
from suanli.cli import main

compile_spec, calls = pipeline.compile_spec, []
def counted(*args, **kwargs):
    calls.append(kwargs.get("scenario", args[1] if len(args) > 1 else None))
    return compile_spec(*args, **kwargs)
pipeline.compile_spec = counted
code = main(sys.argv[1:])
print(f"compiled {len(calls)}", file=sys.stderr)
sys.exit(code)
"""


def compiles(*args) -> tuple[int, subprocess.CompletedProcess]:
    """`suanli ARGS` in a fresh interpreter that counts how often the compiler runs."""
    result = subprocess.run([sys.executable, "-c", COUNTING, *map(str, args)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return int(result.stderr.rsplit("compiled ", 1)[1]), result


def test_the_html_page_of_a_robust_solve_compiles_each_scenario_once(tmp_path):
    spec = SCENARIOS / "robust.spec"
    as_json, _ = compiles("solve", spec, "--robust", "growth,west_lost", "--format", "json")
    as_html, result = compiles("solve", spec, "--robust", "growth,west_lost", "--format", "html",
                               "-o", tmp_path / "page.html")
    assert as_html == as_json == 3  # the base (for settings.robust), then each scenario once
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    saved = tmp_path / "robust.json"
    assert suanli("solve", spec, "--robust", "growth,west_lost", "-o", saved).returncode == 0
    report = suanli("report", saved, "--spec", spec)  # the page `report --spec` draws, compiling the spec
    assert report.returncode == 0 and report.stdout == page
