"""`suanli sweep`: cases, rows equal to single solves, formats, failing cases, exit codes."""

import csv
import io
import json

import pyarrow.parquet as pq
from clirun import ROOT, suanli

SPEC = ROOT / "tests" / "fixtures" / "scenarios" / "robust.spec"


def sweep_rows(*args):
    result = suanli("sweep", SPEC, *args, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return result, json.loads(result.stdout)


def solve_alone(scenario, overrides):
    args = ["solve", SPEC, "--format", "json"] + (["--scenario", scenario] if scenario else [])
    for item in overrides:
        args += ["--set", item]
    return json.loads(suanli(*args).stdout)


def test_rows_equal_solving_each_case_alone():
    result, rows = sweep_rows("--all-scenarios", "--grid", "region.west.power_price=0.3 CNY/kWh,0.5 CNY/kWh", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert [r["name"] for r in rows] == [
        "base[region.west.power_price=0.3 CNY/kWh]", "base[region.west.power_price=0.5 CNY/kWh]",
        "growth[region.west.power_price=0.3 CNY/kWh]", "growth[region.west.power_price=0.5 CNY/kWh]",
        "west_lost[region.west.power_price=0.3 CNY/kWh]", "west_lost[region.west.power_price=0.5 CNY/kWh]"]
    for row in rows[1:4]:
        plan = solve_alone(row["scenario"], row["overrides"])
        assert row["status"] == plan["status"] == "optimal"
        assert row["objective"] == plan["objective"]
        assert row["cost"] == plan["cost"]
        assert row["carbon_tco2"] == plan["carbon_tco2"]
        assert row["nodes"] == {r["name"]: sum(r["nodes"].values()) for r in plan["regions"] if r["nodes"]}
    assert rows[0]["nodes"] != rows[4]["nodes"]  # the west is lost in west_lost


def test_cases_are_the_scenarios_named_in_command_line_order():
    result, rows = sweep_rows("--scenario", "west_lost", "--scenario", "base", "--scenario", "west_lost")
    assert [r["name"] for r in rows] == ["west_lost", "base"]
    assert [r["scenario"] for r in rows] == ["west_lost", None]
    _, alone = sweep_rows()
    assert [r["name"] for r in alone] == ["base"]
    _, every = sweep_rows("--all-scenarios")
    assert [r["name"] for r in every] == ["base", "growth", "west_lost"]


def test_failing_cases_are_rows_and_the_worst_code_wins():
    result, rows = sweep_rows("--scenario", "west_lost", "--grid", "region.east.max_nodes=0,1000",
                              "--grid", "demand.web.compute=400 TFLOPS,4000 TFLOPS")
    by_name = {r["name"]: r for r in rows}
    assert len(rows) == 4 and {r["scenario"] for r in rows} == {"west_lost"}
    lost = by_name["west_lost[region.east.max_nodes=0,demand.web.compute=400 TFLOPS]"]
    assert (lost["status"], lost["code"], lost["objective"]) == ("infeasible", 3, None)
    big = by_name["west_lost[region.east.max_nodes=1000,demand.web.compute=4000 TFLOPS]"]
    assert (big["status"], big["code"], big["asserts_failed"]) == ("optimal", 1, ["budget"])
    assert result.returncode == 3  # infeasible outranks a failed assert
    _, bad = sweep_rows("--grid", "region.nowhere.pue=1.1,1.2")
    assert {(r["status"], r["code"]) for r in bad} == {("invalid", 2)}
    assert "unknown region `nowhere`" in bad[0]["message"]
    assert suanli("sweep", SPEC, "--grid", "region.nowhere.pue=1.1", "--format", "json").returncode == 2


def test_csv_and_parquet_hold_the_json_rows(tmp_path):
    args = ["--all-scenarios", "--jobs", "2"]
    _, rows = sweep_rows(*args)
    text = suanli("sweep", SPEC, *args, "--format", "csv").stdout
    table = list(csv.DictReader(io.StringIO(text)))
    out = tmp_path / "rows.parquet"
    assert suanli("sweep", SPEC, *args, "--format", "parquet", "-o", out).returncode == 0
    parquet = pq.read_table(out).to_pylist()
    for row, line, record in zip(rows, table, parquet, strict=True):
        assert line["name"] == record["name"] == row["name"]
        assert float(line["cost.total"]) == record["cost.total"] == row["cost"]["total"]
        assert record["objective"] == row["objective"] and record["status"] == row["status"]
        for region in ("east", "west"):
            assert record[f"nodes.{region}"] == row["nodes"].get(region, 0)
    assert suanli("sweep", SPEC, "--format", "parquet").returncode == 2  # needs -o


def test_samples_are_reproducible_from_the_seed():
    _, first = sweep_rows("--samples", "3", "--seed", "7", "--jobs", "1")
    _, again = sweep_rows("--samples", "3", "--seed", "7", "--jobs", "2")
    _, other = sweep_rows("--samples", "3", "--seed", "8", "--jobs", "1")
    assert [r["name"] for r in first] == ["base", "sample-1", "sample-2", "sample-3"]  # the base, then samples
    key = lambda rows: [(r["overrides"], r["description"], r["objective"]) for r in rows]
    assert key(first) == key(again)
    assert key(first) != key(other)
    assert all(r["description"] for r in first[1:])


def test_sample_rows_equal_solving_the_overrides_alone():
    _, rows = sweep_rows("--samples", "4", "--seed", "3")
    for row in rows[1:]:
        if any(o.startswith("-link") for o in row["overrides"]):
            continue  # a cut link has no --set spelling
        plan = solve_alone(None, row["overrides"])
        assert (row["status"], row["objective"]) == (plan["status"], plan["objective"])


def test_progress_bar_is_quiet_when_stderr_is_not_a_terminal():
    result, rows = sweep_rows("--all-scenarios")
    assert "\r" not in result.stderr and "case/s" not in result.stderr
    assert "sweep of 3 case(s): 3 optimal; exit 0" in result.stderr


def test_bad_command_lines_exit_2_before_solving():
    for args in (["--grid", "region.west.pue"], ["--grid", "region.west.pue=1.1,,1.2"], ["--jobs", "0"],
                 ["--time-limit", "0"], ["--time-limit", "inf"], ["--max-bytes", "0"], ["--solver", "glpk"]):
        result = suanli("sweep", SPEC, *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)
        assert result.stdout == ""


def test_progress_bar_on_a_terminal():
    import os
    import pty
    import subprocess
    import sys

    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # as a terminal window
    try:
        proc = subprocess.run([sys.executable, "-m", "suanli", "sweep", str(SPEC), "--all-scenarios", "--format",
                               "json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=follower, timeout=300)
        os.close(follower)
        follower = None
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    assert b"3/3" in seen and b"sweep" in seen  # tqdm's bar: done/total
    assert len(json.loads(proc.stdout)) == 3  # stdout holds only the rows


def test_a_case_whose_answer_fails_verification_is_the_plan_solve_would_print():
    """classify goes through api.checked_plan: status error, exit 4, its message and V001 warnings."""
    from suanli.api import load
    from suanli.solver.solve import SolveConfig, solve_program
    from suanli.sweep import classify

    outcome = solve_program(load(str(SPEC)), SolveConfig())
    outcome.violations = ["served(x) is 1 short"]
    plan, code, message = classify(outcome)
    assert code == 4 and plan.status == "error" and plan.objective is None
    assert message == plan.message == "the solver's answer failed independent verification"
    assert [w.message for w in plan.warnings if w.code == "V001"] == ["served(x) is 1 short"]
