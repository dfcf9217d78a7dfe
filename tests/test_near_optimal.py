"""`solve --near-optimal METRIC` and `--alternatives K` (LANGUAGE.md §11), from
the command line. The two-hub fixture is small enough to count by hand: each
node costs 2,628 CNY a year in west and 5,256 in east, the service needs 100
of them, so within 10% of the optimum (262,800 CNY) at most 10 may stand in east."""

import json

import pytest
from clirun import ROOT, suanli

TWO = ROOT / "tests" / "fixtures" / "near" / "two-hubs.spec"
EW = ROOT / "specs" / "east-west.spec"


def solve_json(*args, spec=TWO):
    out = suanli("solve", spec, "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_range_on_the_two_hub_spec_is_what_a_hand_count_gives():
    plan = solve_json("--near-optimal", "compute(east)", "--slack", "10%")
    near = plan["near_optimal"]
    assert plan["objective"] == pytest.approx(262800)
    assert near["metric"] == "compute(east)" and near["slack"] == pytest.approx(0.1)
    assert near["bound"] == pytest.approx(289080) and near["unit"] == "TFLOPS"
    assert near["min"]["value"] == pytest.approx(0) and near["max"]["value"] == pytest.approx(10)
    assert near["max"]["plan"]["objective"] <= near["bound"] * (1 + 1e-9)
    nodes = {r["name"]: r["nodes"] for r in near["max"]["plan"]["regions"] if r["nodes"]}
    assert nodes == {"east": {"box": 10}, "west": {"box": 90}}


def test_a_fraction_slack_equals_the_percent_and_zero_slack_pins_the_optimum():
    assert solve_json("--near-optimal", "compute(east)", "--slack", "0.1")["near_optimal"]["max"]["value"] \
        == pytest.approx(10)
    zero = solve_json("--near-optimal", "compute(east)", "--slack", "0%")["near_optimal"]
    assert zero["min"]["value"] == pytest.approx(0) and zero["max"]["value"] == pytest.approx(0)


def test_alternatives_differ_respect_the_bound_and_stop_on_a_repeat():
    plan = solve_json("--alternatives", "3", "--slack", "10%")
    alts = plan["alternatives"]
    assert len(alts) == 1  # the second would repeat the first: the search stops
    assert alts[0]["weights"] == {"west": 1.0}
    assert alts[0]["score"] == pytest.approx(0.9)
    assert alts[0]["plan"]["objective"] == pytest.approx(289080)
    assert any(w["code"] == "S003" and "repeats an earlier plan" in w["message"] for w in plan["warnings"])


def test_the_optimal_plan_stays_on_top_and_without_flags_nothing_is_added(tmp_path):
    plain = suanli("solve", TWO, "--format", "json").stdout
    both = solve_json("--near-optimal", "compute(east)", "--alternatives", "1")
    assert "near_optimal" not in plain and "alternatives" not in plain
    assert both["objective"] == json.loads(plain)["objective"]
    assert {r["name"]: r["nodes"] for r in both["regions"] if r["nodes"]} == {"west": {"box": 100}}


def test_verify_checks_every_embedded_plan_and_catches_a_changed_value(tmp_path):
    path = tmp_path / "plan.json"
    out = suanli("solve", EW, "--near-optimal", "compute(west)", "--alternatives", "2", "--format", "json",
                 "-o", path)
    assert out.returncode == 0, out.stderr
    assert suanli("verify", EW, path).returncode == 0
    plan = json.loads(path.read_text())
    near = plan["near_optimal"]
    assert near["min"]["value"] <= sum(r["compute_tflops"] for r in plan["regions"]
                                       if r["name"] in ("guian", "qingyang")) <= near["max"]["value"]
    plan["near_optimal"]["max"]["value"] *= 1.01
    plan["alternatives"][0]["plan"]["objective"] *= 1.2
    path.write_text(json.dumps(plan))
    bad = suanli("verify", EW, path)
    assert bad.returncode == 1
    assert "near_optimal.max: the reported value" in bad.stdout
    assert "beyond the bound" in bad.stdout


def test_widening_the_slack_never_narrows_the_range():
    ranges = [solve_json("--near-optimal", "compute(west)", "--slack", s, spec=EW)["near_optimal"]
              for s in ("0%", "3%", "8%")]
    for narrow, wide in zip(ranges, ranges[1:]):
        assert wide["min"]["value"] <= narrow["min"]["value"] + 1e-6
        assert wide["max"]["value"] >= narrow["max"]["value"] - 1e-6


def test_highs_and_cbc_give_the_same_range():
    ranges = [solve_json("--near-optimal", "compute(east)", "--slack", "10%", "--solver", s)["near_optimal"]
              for s in ("highs", "cbc")]
    for key in ("min", "max"):
        assert ranges[0][key]["value"] == pytest.approx(ranges[1][key]["value"], abs=1e-6)


def test_relax_makes_every_solve_the_lp_relaxation():
    plan = solve_json("--near-optimal", "compute(east)", "--slack", "10%", "--relax")
    assert plan["near_optimal"]["max"]["plan"]["relaxed"] is True
    assert plan["near_optimal"]["max"]["value"] == pytest.approx(10)


def test_table_and_markdown_show_the_range_and_the_alternatives():
    for fmt in ("table", "markdown"):
        out = suanli("solve", TWO, "--format", fmt, "--near-optimal", "compute(east)", "--alternatives", "1",
                     "--slack", "10%")
        assert out.returncode == 0, out.stderr
        assert "compute(east): 0 .. 10 TFLOPS within 10% of the cheapest cost" in out.stdout
        assert "+10.00%" in out.stdout and "east 10, west 90" in out.stdout


@pytest.mark.parametrize("metric, where, words", [
    ("compute(east) / compute()", "--near-optimal:1:1", "not linear"),
    ("compute(nowhere)", "--near-optimal:1:9", "unknown"),
    ("latency(web)", "--near-optimal:1:1", "not linear"),
    ("compute(east) +", "--near-optimal:1:", "error"),
])
def test_a_bad_metric_is_a_diagnostic_inside_the_argument(metric, where, words):
    out = suanli("solve", TWO, "--near-optimal", metric)
    assert out.returncode == 2
    assert where in out.stderr and words in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == "" or "near_optimal" not in out.stdout


@pytest.mark.parametrize("args, words", [
    (["--near-optimal", "carbon", "--slack=-1%"], "0 or more"),
    (["--near-optimal", "carbon", "--slack", "5"], "5%"),
    (["--near-optimal", "carbon", "--slack", "abc"], "not a number"),
    (["--near-optimal", "carbon", "--slack", "nan"], "not a number"),
    (["--alternatives", "0"], ">= 1"),
    (["--slack", "5%"], "goes with"),
])
def test_bad_slack_and_counts_exit_2(args, words):
    out = suanli("solve", TWO, *args)
    assert out.returncode == 2 and words in out.stderr


def test_the_json_with_embedded_plans_matches_the_published_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "src" / "suanli" / "plan.schema.json").read_text())
    plan = solve_json("--near-optimal", "compute(east)", "--alternatives", "1", "--slack", "10%")
    jsonschema.validate(plan, schema)
    assert plan["near_optimal"]["max"]["plan"]["status"] == "optimal"


def test_alternatives_alone_record_their_slack_and_verify_checks_that_bound(tmp_path):
    """The alternative costs 10% more than the optimum: `verify` must check it
    against the B of --slack 10% that the plan records, not the default 5%."""
    path = tmp_path / "plan.json"
    out = suanli("solve", TWO, "--alternatives", "1", "--slack", "10%", "--format", "json", "-o", path)
    assert out.returncode == 0, out.stderr
    plan = json.loads(path.read_text())
    alt = plan["alternatives"][0]
    assert "near_optimal" not in plan
    assert alt["slack"] == pytest.approx(0.1) and alt["bound"] == pytest.approx(289080)
    assert alt["plan"]["objective"] == pytest.approx(289080)
    assert suanli("verify", TWO, path).returncode == 0
    alt["slack"], alt["bound"] = 0.05, 275940.0  # as if found within 5%: the plan is beyond that B
    path.write_text(json.dumps(plan))
    bad = suanli("verify", TWO, path)
    assert bad.returncode == 1 and "beyond the bound 275940" in bad.stdout
    alt["slack"] = 0.1  # the recorded B must be z* + S|z*| of the recorded S
    path.write_text(json.dumps(plan))
    bad = suanli("verify", TWO, path)
    assert bad.returncode == 1 and "its bound is 275940" in bad.stdout


def test_a_region_at_exactly_ten_percent_of_the_largest_gains_weight():
    """§11: every region with C_p[r] >= 10% of the largest gains weight 1 -- inclusive,
    though 0.1 * 7144 is 714.4000000000001 in floats."""
    import numpy as np

    from suanli.solver.near_optimal import gain_weights

    assert gain_weights(np.zeros(3), np.array([7144.0, 714.4, 714.3])).tolist() == [1.0, 1.0, 0.0]
