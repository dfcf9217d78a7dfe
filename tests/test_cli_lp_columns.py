"""`suanli solve --relax --lp columns`: the LP by column generation gives the
full LP's plan -- the same objective, and the same plan bytes where the
tie-break pins the plan; --progress says how many rounds and columns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clirun import suanli
from solver_fixtures import ORLIB as ORLIB_DIR

ROOT = Path(__file__).resolve().parents[1]
ORLIB = ORLIB_DIR / "specs"
SAME_BYTES = [ROOT / "specs" / n for n in ("example.spec", "features.spec", "east-west.spec", "hubs-2027.spec")]
SAME_BYTES += [ORLIB / "cap41.spec", ORLIB / "cap71.spec", ORLIB / "cap101.spec"]


def _solve(spec: Path, out: Path, *extra: str):
    res = suanli("solve", spec, "--relax", "-o", out, *extra)
    assert res.returncode == 0, res.stderr
    return res


@pytest.mark.parametrize("spec", SAME_BYTES, ids=lambda p: p.stem)
def test_columns_and_full_give_the_same_plan_bytes(spec, tmp_path):
    cols, full = tmp_path / "columns.json", tmp_path / "full.json"
    _solve(spec, cols, "--lp", "columns")
    _solve(spec, full, "--lp", "full")
    assert json.loads(cols.read_text())["status"] == "optimal"
    assert cols.read_bytes() == full.read_bytes()


def test_auto_keeps_the_full_lp_on_a_small_spec(tmp_path):
    auto, full = tmp_path / "auto.json", tmp_path / "full.json"
    res = suanli("solve", ROOT / "specs" / "example.spec", "--relax", "--progress", "-o", auto)
    assert res.returncode == 0 and "column generation" not in res.stderr
    _solve(ROOT / "specs" / "example.spec", full, "--lp", "full")
    assert auto.read_bytes() == full.read_bytes()


def test_progress_reports_rounds_and_columns(tmp_path):
    res = _solve(ORLIB / "cap71.spec", tmp_path / "p.json", "--lp", "columns", "--progress")
    found = re.search(r"column generation: (\d+) rounds, ([\d,]+) of ([\d,]+) columns", res.stderr)
    assert found, res.stderr
    rounds, used, total = (int(g.replace(",", "")) for g in found.groups())
    assert rounds >= 1 and 0 < used < total


def test_same_objective_and_numbers_on_bench_s(tmp_path):
    """bench S --relax: objective and every number equal to 1e-9 (node counts are whole at
    the plan's 12 digits whatever LP noise is below: 1814.0000000000002 prints as 1814)."""
    spec = _bench_s(tmp_path)
    cols, full = tmp_path / "columns.json", tmp_path / "full.json"
    _solve(spec, cols, "--lp", "columns")
    _solve(spec, full, "--lp", "full")
    a, b = json.loads(cols.read_text()), json.loads(full.read_text())
    assert a["objective"] == pytest.approx(b["objective"], rel=1e-9)
    _assert_close(a, b)


def _assert_close(a, b, rel: float = 1e-9) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _assert_close(a[key], b[key], rel)
    elif isinstance(a, list):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            _assert_close(u, v, rel)
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=rel, abs=1e-9)
    else:
        assert a == b


def test_columns_needs_highs(tmp_path):
    res = suanli("solve", ROOT / "specs" / "example.spec", "--relax", "--lp", "columns", "--solver", "cbc")
    assert res.returncode == 2 and "--lp columns" in res.stderr and res.stdout == ""


def test_unknown_lp_mode_is_a_usage_error():
    res = suanli("solve", ROOT / "specs" / "example.spec", "--lp", "dual")
    assert res.returncode == 2 and "--lp" in res.stderr


def test_milp_start_by_columns_gives_the_same_plan(tmp_path):
    """The MIP start's LP (heuristics.WarmLP), polishing and the shadow LP by column
    generation: bench S seed 1 gets the same heuristic plan and the same final plan
    as with the full LP (polishing's split fractions agree to ~1e-11: another vertex
    of the 1e-10 slab, so not byte for byte)."""
    spec = _bench_s(tmp_path)
    runs = {}
    for mode in ("columns", "full"):
        out = tmp_path / f"{mode}.json"
        res = suanli("solve", spec, "--lp", mode, "--progress", "-o", out)
        assert res.returncode == 0, res.stderr
        runs[mode] = (next(ln for ln in res.stderr.splitlines() if "heuristic:" in ln), json.loads(out.read_text()))
    assert "rounded the LP relaxation" in runs["columns"][0]
    assert runs["columns"][0].split("] ")[1].split(" (")[0] == runs["full"][0].split("] ")[1].split(" (")[0]
    cols, full = runs["columns"][1], runs["full"][1]
    assert cols["status"] == full["status"] == "optimal"
    assert cols["objective"] == pytest.approx(full["objective"], rel=1e-9)
    _assert_close(cols, full, rel=1e-6)


def _bench_s(tmp_path: Path) -> Path:
    import importlib.util

    mod_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(generate)
    spec = tmp_path / "S1.spec"
    spec.write_text(generate.generate("S", 1), encoding="utf-8")
    return spec


def test_with_a_time_limit_branch_and_bound_runs_over_the_generated_columns(tmp_path):
    """Price and branch (colgen_branch.py): with --lp columns and a time limit, branch and
    bound runs on the restricted MILP; its plan is a verified plan of the full program, no
    cheaper than the optimum, and its gap is measured against the full LP bound, so it is at
    least the plan's true distance from the optimum; status optimal only within --gap."""
    spec = _bench_s(tmp_path)
    optimum = json.loads(suanli("solve", spec, "--format", "json").stdout)["objective"]
    for gap, status in (("1e-6", "feasible"), ("0.065", "optimal")):  # heuristic 6.75%, then 4.8% / 6.07%
        out = tmp_path / f"pb{gap}.json"
        res = suanli("solve", spec, "--lp", "columns", "--time-limit", "120", "--gap", gap, "--progress",
                     "--format", "json", "-o", out)
        assert res.returncode == 0, res.stderr
        assert "highs: branch and bound over the generated columns (" in res.stderr
        plan = json.loads(out.read_text())
        assert plan["status"] == status
        assert optimum * (1 - 1e-9) <= plan["objective"] <= optimum * (1.01 if status == "feasible" else 1.07)
        assert plan["gap"] >= (plan["objective"] - optimum) / plan["objective"] - 1e-9
        assert suanli("verify", spec, out).returncode == 0
    plain = suanli("solve", spec, "--lp", "columns", "--progress", "--format", "json")
    assert "generated columns" not in plain.stderr and json.loads(plain.stdout)["status"] == "optimal"
