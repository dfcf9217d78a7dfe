"""`suanli sweep ... --relax` and `--no-tie-break`, run from the command line: what each
changes (LP rows, no second solve) and what each keeps (rows equal solving the case alone
with the same option; the grid's case order)."""

import json

import pytest
from clirun import ROOT, suanli

SPEC = ROOT / "specs" / "features.spec"  # its LP relaxation is fractional
GRID = ["--all-scenarios", "--grid", "region.gansu.power_price=0.2 CNY/kWh,0.5 CNY/kWh", "--jobs", "2"]


def sweep(*options):
    result = suanli("sweep", SPEC, *GRID, *options, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def solve_alone(row, *options):
    args = ["solve", SPEC, "--format", "json", *options] + (["--scenario", row["scenario"]] if row["scenario"] else [])
    for item in row["overrides"]:
        args += ["--set", item]
    return json.loads(suanli(*args).stdout)


def assert_row_is_the_plan(row, plan):
    assert row["status"] == plan["status"]
    assert row["objective"] == plan["objective"]
    assert row["cost"] == plan["cost"]
    assert row["carbon_tco2"] == plan["carbon_tco2"]
    assert row["nodes"] == {r["name"]: sum(r["nodes"].values()) for r in plan["regions"] if r["nodes"]}


@pytest.fixture(scope="module")
def milp_rows():
    return sweep()


def test_relax_rows_are_lp_bounds_of_the_milp_rows_on_the_same_grid(milp_rows):
    lp_rows = sweep("--relax")
    assert [r["name"] for r in lp_rows] == [r["name"] for r in milp_rows]  # same cases, same order
    assert len(lp_rows) == 4
    for lp, milp in zip(lp_rows, milp_rows):
        assert lp["status"] == milp["status"] == "optimal"
        assert lp["objective"] <= milp["objective"] * (1 + 1e-9)  # a relaxation never costs more
    counts = [v for r in lp_rows for v in r["nodes"].values()]
    assert any(abs(v - round(v)) > 1e-6 for v in counts)  # real node counts: the LP, not the MILP
    assert all(float(v).is_integer() for r in milp_rows for v in r["nodes"].values())
    for row in (lp_rows[0], lp_rows[3]):  # each row is `solve --relax` of its case
        assert_row_is_the_plan(row, solve_alone(row, "--relax"))


def test_no_tie_break_keeps_the_objective_and_equals_solving_alone_without_it(milp_rows):
    rows = sweep("--no-tie-break")
    assert [r["name"] for r in rows] == [r["name"] for r in milp_rows]
    for row, tied in zip(rows, milp_rows):  # the tie-break never trades cost for its secondary goal
        assert row["status"] == tied["status"] == "optimal"
        assert abs(row["objective"] - tied["objective"]) <= 1e-6 * abs(tied["objective"])
    for row in (rows[1], rows[2]):
        assert_row_is_the_plan(row, solve_alone(row, "--no-tie-break"))
