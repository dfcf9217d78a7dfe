"""Black-box CLI tests of solve / verify / explain, the plan schema, and
lowering speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from suanli.solver.plan import json_schema, schema_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "specs" / "example.spec"
SCHEMA = ROOT / "src" / "suanli" / "plan.schema.json"
have_compiler = pytest.mark.skipif(not EXAMPLE.exists(), reason="no example spec")


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "suanli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_schema_file_is_up_to_date():
    assert SCHEMA.read_text() == schema_text(), "regenerate: python -c 'from suanli.solver.plan import " \
                                                "schema_text; print(schema_text(), end=\"\")' > src/suanli/plan.schema.json"


@have_compiler
def test_solve_json_verify_and_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    res = run("solve", EXAMPLE, "--format", "json")
    assert res.returncode == 0, res.stderr
    plan = json.loads(res.stdout)
    assert plan["status"] == "optimal" and plan["cost"]["total"] == pytest.approx(plan["objective"])
    jsonschema.validate(plan, json_schema())
    out = tmp_path / "plan.json"
    res = run("solve", EXAMPLE, "-o", out)
    assert res.returncode == 0 and res.stdout == ""
    assert json.loads(out.read_text()) == plan
    assert run("verify", EXAMPLE, out).returncode == 0
    plan["cost"]["capex"] -= 1000
    out.write_text(json.dumps(plan))
    bad = run("verify", EXAMPLE, out)
    assert bad.returncode == 1 and "capex" in bad.stdout


@have_compiler
def test_progress_reports_every_stage_and_a_timings_line(tmp_path):
    """--progress: a line per stage as it ends, then `suanli: timings k=v ...` that adds up."""
    quiet = run("solve", EXAMPLE, "--relax", "-o", tmp_path / "a.json")
    res = run("solve", EXAMPLE, "--relax", "--progress", "-o", tmp_path / "b.json")
    assert res.returncode == 0 and quiet.stderr == ""
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()  # progress changes no byte
    lines = res.stderr.splitlines()
    assert "built the LP: " in res.stderr and "plan extracted and verified (0 violation(s))" in res.stderr
    assert lines[-1].startswith("suanli: timings ")
    times = dict(item.split("=") for item in lines[-1].split()[2:])
    stages = ["imports", "read_parse", "compile", "build", "solver", "postsolve", "report_verify", "emit"]
    assert list(times) == stages + ["total"]
    assert all(float(v) >= 0 for v in times.values())
    assert sum(float(times[k]) for k in stages) <= float(times["total"]) + 0.01
    assert len(lines) == len(stages) + 1


@have_compiler
def test_unwritable_output_is_exit_74(tmp_path):
    res = run("solve", EXAMPLE, "-o", tmp_path / "no" / "such" / "dir" / "plan.json")
    assert res.returncode == 74 and "Traceback" not in res.stderr


@have_compiler
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_human_formats(fmt):
    res = run("solve", EXAMPLE, "--format", fmt)
    assert res.returncode == 0 and "guizhou" in res.stdout and "Traceback" not in res.stderr


@have_compiler
def test_failing_assert_is_exit_1_and_infeasible_is_exit_3(tmp_path):
    text = EXAMPLE.read_text()
    failing = tmp_path / "fail.spec"
    failing.write_text(text.replace("assert cost <= 1.5e9 CNY", "assert cost <= 1e6 CNY"))
    res = run("solve", failing, "--format", "json")
    assert res.returncode == 1 and json.loads(res.stdout)["status"] == "optimal"
    infeasible = tmp_path / "inf.spec"
    infeasible.write_text(text.replace("power_cap = 60 MW", "power_cap = 0.05 MW"))
    res = run("solve", infeasible, "--format", "json")
    assert res.returncode == 3, res.stderr
    assert json.loads(res.stdout)["status"] == "infeasible"
    assert "beijing" in res.stderr
    res = run("explain", infeasible)
    assert res.returncode == 3 and "beijing" in res.stdout


@have_compiler
def test_invalid_spec_and_options_are_exit_2(tmp_path):
    bad = tmp_path / "bad.spec"
    bad.write_text("region a { pue = 1 TB }\n")
    res = run("solve", bad)
    assert res.returncode == 2 and "bad.spec:1:" in res.stderr and "Traceback" not in res.stderr
    assert run("solve", EXAMPLE, "--time-limit", "-1").returncode == 2
    assert run("solve", EXAMPLE, "--solver", "nope").returncode == 2


def test_lowering_20000_demands_is_fast():
    from solver_fixtures import TFLOPS, node, program, region, service
    from suanli.solver.lower import lower

    regions = [region(f"r{i:02d}", power_cap=1e7) for i in range(10)]
    nodes = [node("cpu", compute=TFLOPS, storage=1e13, capex=1.0), node("gpu", cls="ai", compute=TFLOPS)]
    demands = [service(f"d{k:05d}", compute=TFLOPS * (1 + k % 7), storage=1e11) for k in range(20000)]
    prog = program(regions, nodes, demands=demands)
    t0 = time.perf_counter()
    sp = lower(prog)
    elapsed = time.perf_counter() - t0
    assert sp.family("x").stop - sp.family("x").start == 200000
    assert elapsed < 2.0, elapsed
