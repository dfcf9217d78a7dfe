"""The smaller faults of issue 10, each tried from the command line."""

import json

import pytest

from clirun import ROOT, suanli

SPEC = ROOT / "specs" / "east-west.spec"
EXAMPLE = ROOT / "specs" / "example.spec"
INVALID = ROOT / "tests" / "fixtures" / "ci" / "invalid.spec"
INFEASIBLE = ROOT / "tests" / "fixtures" / "east-west-infeasible.spec"


@pytest.mark.parametrize("args", [
    ("check", EXAMPLE, "--max-bytes", "-1"),
    ("solve", EXAMPLE, "--max-bytes", "-1"),
    ("fmt", "--check", EXAMPLE, "--max-bytes", "0"),
    ("solve", EXAMPLE, "--time-limit", "inf"),
    ("solve", EXAMPLE, "--time-limit", "nan"),
    ("solve", EXAMPLE, "--time-limit", "-3"),
    ("explain", EXAMPLE, "--time-limit", "inf"),
    ("diff", EXAMPLE, EXAMPLE, "--time-limit", "inf"),
], ids=lambda a: " ".join(map(str, a[2:])) if isinstance(a, tuple) else str(a))
def test_bad_numeric_options_are_exit_2(args):
    r = suanli(*args)
    assert r.returncode == 2 and "argument --" in r.stderr, r.stderr


def test_scenario_given_twice_is_an_error():
    r = suanli("solve", SPEC, "--scenario", "a", "--scenario", "b", "--format", "json")
    assert r.returncode == 2 and "give --scenario once" in r.stderr, r.stderr
    assert r.stdout == ""


def test_dash_reads_the_spec_from_stdin_with_imports_relative_to_the_cwd(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "consts.spec").write_text("let cap = 60 MW\n")
    text = EXAMPLE.read_text().replace("power_cap = 60 MW", "power_cap = cap")
    r = suanli("solve", "-", "--format", "json", cwd=tmp_path, input='import "lib/consts.spec"\n' + text)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "optimal"
    assert suanli("check", "-", cwd=tmp_path, input="region {").returncode == 2


def test_json_on_an_invalid_spec_is_a_status_document():
    r = suanli("solve", INVALID, "--format", "json")
    assert r.returncode == 2
    doc = json.loads(r.stdout)
    assert doc["status"] == "error" and doc["errors"] == 1 and doc["diagnostics"][0]["code"] == "E0304"


@pytest.mark.parametrize("spec,code,status", [(INVALID, 2, "error"), (INFEASIBLE, 3, "infeasible")])
def test_o_is_replaced_by_the_status_document_on_exit_2_and_3(tmp_path, spec, code, status):
    """One rule: whenever solve exits 0-4, -o holds this run's document."""
    out = tmp_path / "plan.json"
    out.write_text('{"status": "optimal", "stale": true}')
    r = suanli("solve", spec, "--format", "json", "-o", out)
    assert r.returncode == code, r.stderr
    assert json.loads(out.read_text())["status"] == status


def test_a_comment_line_changes_nothing_in_a_spec_diff(tmp_path):
    old = tmp_path / "old.spec"
    new = tmp_path / "new.spec"
    old.write_text(SPEC.read_text())
    new.write_text("# a new comment at the top\n\n" + SPEC.read_text())
    r = suanli("diff", old, new, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["statements"] == []


def test_w0101_is_quiet_when_a_ratio_require_makes_the_type_useful():
    spec = ROOT / "tests" / "fixtures" / "storage_ratio.spec"
    r = suanli("check", spec)
    assert r.returncode == 0 and "W0101" not in r.stderr, r.stderr
    plan = json.loads(suanli("solve", spec, "--format", "json").stdout)
    assert plan["regions"][0]["nodes"].get("jbod", 0) >= 1  # the plan does build it


@pytest.mark.parametrize("terms", [201, 1500])
def test_a_long_flat_sum_is_not_nesting(tmp_path, terms):
    """A flat sum of 201 terms used to be 'nesting too deep'; 1,500 terms
    check, solve, format and verify (recursion limit raised, grammar/parser.py)."""
    text = EXAMPLE.read_text().replace(
        "assert cost <= 1.5e9 CNY", "assert cost <= " + " + ".join(["1e6 CNY"] * terms))
    spec = tmp_path / "flat.spec"
    spec.write_text(text)
    assert suanli("check", spec).returncode == 0
    r = suanli("solve", spec, "--format", "json", "-o", tmp_path / "plan.json")
    assert r.returncode == 0, r.stderr
    assert suanli("verify", spec, tmp_path / "plan.json").returncode == 0
    assert suanli("fmt", "--check", spec).returncode in (0, 1)


def test_a_sum_beyond_the_limit_is_a_diagnostic_not_a_crash(tmp_path):
    spec = tmp_path / "long.spec"
    spec.write_text("let x = " + " + ".join(["1 MW"] * 2500) + "\n")
    r = suanli("check", spec)
    assert r.returncode == 2 and "E0004" in r.stderr and "Recursion" not in r.stderr, r.stderr[-300:]
