"""An infeasible spec from the command line: exit 3 and an explanation in spec terms."""

import json

from clirun import suanli

SPEC = "tests/fixtures/east-west-infeasible.spec"


def test_solve_exits_3_and_names_the_short_limit(tmp_path):
    out = tmp_path / "plan.json"
    result = suanli("solve", SPEC, "--format", "json", "-o", out)
    assert result.returncode == 3
    assert "general compute in beijing short by 330 TFLOPS" in result.stderr
    assert f"power_cap 0.1 MW at {SPEC}:28:8" in result.stderr
    assert json.loads(out.read_text())["status"] == "infeasible"


def test_explain_json_gives_the_shortfall_in_spec_units():
    result = suanli("explain", SPEC, "--format", "json")
    assert result.returncode == 3
    (item,) = json.loads(result.stdout)["infeasibility"]
    assert item["unit"] == "TFLOPS" and abs(item["shortfall"] - 330) < 1e-6
    assert item["location"] == f"{SPEC}:28:8"
