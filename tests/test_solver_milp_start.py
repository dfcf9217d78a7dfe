"""The MILP the solver sees: site_use rows (strengthen.py), the domain MIP
start (heuristics.py), a baseline plan as MIP start (warm_start.py), and the
proven gap reported for HiGHS and CBC (and shown by `diff`)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from clirun import suanli
from suanli.compiler.pipeline import load
from suanli.solver.backend import SolveOptions
from suanli.solver.cbc_backend import absolute_gap
from suanli.plan_diff import diff_plans
from suanli.solver.heuristics import feasible, mip_start
from suanli.solver.highs_backend import build_highs
from suanli.solver.lower import lower
from suanli.solver.plan import loads
from suanli.solver.solve import SolveConfig, solve_program
from suanli.solver.strengthen import KIND, with_site_use, without_site_use

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "golden" / "plans" / "east-west-example.spec"

TIGHT = """# LP: 1.5 nodes in `cheap` (its power cap), 0.3 in `dear`; ceil(1.5) = 2 breaks the cap.
settings {
  horizon = 1 year
  currency = CNY
  utilization = 100%
}
region cheap {
  power_price = 0.1 CNY/kWh
  pue = 1.0
  power_cap = 15 kW
}
region dear {
  power_price = 0.9 CNY/kWh
  pue = 1.0
}
node box {
  class = general
  compute = 100 TFLOPS
  storage = 10 TB
  power = 10 kW
  capex = 1e3 CNY
  lifetime = 5 years
}
demand web {
  class = general
  compute = 180 TFLOPS
SPLIT}
objective = minimize cost
"""


def _generate(size: str, seed: int) -> str:
    spec = importlib.util.spec_from_file_location("bench_generate_h11", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.generate(size, seed)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("milp") / "S.spec"
    path.write_text(_generate("S", 1), encoding="utf-8")
    return path


def _lp_value(sp) -> float:
    h = build_highs(sp.replace(integer=np.zeros(sp.ncol, dtype=bool)))
    h.run()
    return float(h.getInfo().objective_function_value) * sp.obj_scale


def test_site_use_rows_lift_the_lp_bound_and_come_off_again(small):
    sp = lower(load(str(small)))
    strong = with_site_use(sp)
    fam = strong.family(KIND, rows=True)
    assert fam is not None and len(fam) > 0 and fam.stop == strong.nrow
    base, lifted = _lp_value(sp), _lp_value(strong)
    assert lifted > base * 1.2  # S seed 1: 70% -> 95% of the optimum
    back = without_site_use(strong)
    assert back.nrow == sp.nrow and np.array_equal(back.indptr, sp.indptr)
    assert np.array_equal(back.values, sp.values) and np.array_equal(back.row_ub, sp.row_ub)


def test_relax_program_gets_no_site_use_rows(small):
    sp = lower(load(str(small)), relax=True)
    assert with_site_use(sp) is sp


def test_site_use_rows_are_named_in_lp_files(tmp_path):
    lp = tmp_path / "m.lp"
    done = suanli("solve", EXAMPLE, "--write-lp", lp)
    assert done.returncode == 0, done.stderr
    text = lp.read_text()
    assert "use.y(llm_pretrain,guizhou,gpu8):" in text


def test_heuristic_plan_is_feasible_and_near_the_bound(small):
    strong = with_site_use(lower(load(str(small))))
    start = mip_start(strong, lambda: SolveOptions())
    assert start.x is not None and feasible(strong, start.x)
    assert start.objective >= start.bound * (1 - 1e-9)
    assert start.objective <= start.bound * 1.10  # S seed 1: 6.7% above the LP bound


def test_progress_reports_the_heuristic_and_the_gap(small, tmp_path):
    out = tmp_path / "plan.json"
    done = suanli("solve", small, "--gap", "1e-2", "--progress", "--format", "json", "-o", out)
    assert done.returncode == 0, done.stderr
    assert "heuristic: rounded the LP relaxation: a plan at" in done.stderr
    assert "MIP start" in done.stderr
    plan = json.loads(out.read_text())
    assert plan["status"] == "optimal" and 0 <= plan["gap"] <= 1e-2
    assert suanli("verify", small, out).returncode == 0


@pytest.mark.parametrize("split, why", [("", "rounding the node counts up broke a cap"),
                                        ("  split = false\n", "rounding the LP's sites and placements")])
def test_heuristic_repairs_or_falls_back_cleanly(tmp_path, split, why):
    spec = tmp_path / "tight.spec"
    spec.write_text(TIGHT.replace("SPLIT", split))
    done = suanli("solve", spec, "--progress", "--format", "json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["status"] == "optimal"
    if split:  # the unsplittable demand cannot go where its LP fraction is largest
        assert f"heuristic: no MIP start ({why}" in done.stderr
        assert plan["demands"][0]["regions"] == {"dear": 1.0}
    else:  # ceil breaks cheap's power cap: cheap takes floor(1.5) = 1 node instead
        assert "heuristic: rounded the LP relaxation" in done.stderr
        assert {r["name"]: r["nodes"] for r in plan["regions"]} == {"cheap": {"box": 1}, "dear": {"box": 1}}


def test_baseline_plan_starts_the_changed_spec(small, tmp_path):
    base = tmp_path / "base.json"
    assert suanli("solve", small, "--gap", "1e-2", "--format", "json", "-o", base).returncode == 0
    text = small.read_text()
    first_demand = next(line for line in text.splitlines() if line.startswith("demand "))
    changed = tmp_path / "changed.spec"
    # a renamed demand is new to the base plan: placed by the rounding, the rest from the plan
    changed.write_text(text.replace(first_demand, first_demand.replace("demand ", "demand x_", 1)))
    done = suanli("solve", changed, "--gap", "1e-2", "--baseline", base, "--progress", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "heuristic: repaired the baseline plan" in done.stderr
    plan = json.loads(done.stdout)
    assert plan["status"] == "optimal" and plan["gap"] <= 1e-2


def test_a_baseline_that_no_longer_fits_falls_back_to_rounding(tmp_path):
    spec = tmp_path / "tight.spec"
    spec.write_text(TIGHT.replace("SPLIT", "  split = false\n"))
    base = json.loads(suanli("solve", spec, "--format", "json").stdout)
    base["demands"][0]["regions"] = {"cheap": 1.0}  # cheap cannot host all of it
    path = tmp_path / "base.json"
    path.write_text(json.dumps(base))
    done = suanli("solve", spec, "--baseline", path, "--progress", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "the baseline plan could not be repaired" in done.stderr


def test_cbc_reports_its_proven_gap(tmp_path):
    done = suanli("solve", EXAMPLE, "--solver", "cbc", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["gap"] == 0.0
    log = tmp_path / "cbc.log"
    log.write_text("Cbc0010I After 800 nodes\nCbc0005I Partial search - best objective 8.1261054 "
                   "(best possible 8.0747191), took 6301 iterations and 800 nodes (2.03 seconds)\n")
    assert absolute_gap(str(log)) == pytest.approx(8.1261054 - 8.0747191)
    log.write_text("Cbc0011I Exiting as integer gap of 0.0125 less than 0.01 or 1%\n")
    assert absolute_gap(str(log)) == pytest.approx(0.0125)
    log.write_text("nothing useful\n")
    assert absolute_gap(str(log)) is None


def test_diff_shows_gaps_and_warns_when_the_change_is_within_them(tmp_path):
    plan = loads((ROOT / "tests" / "golden" / "plans" / "east-west-example.json").read_text())
    old = plan.model_copy(update={"gap": 0.01})
    cost = plan.cost.model_copy(update={"total": plan.cost.total * 1.001})
    new = plan.model_copy(update={"gap": 0.004, "cost": cost})
    d = diff_plans(old, new)
    assert d.old.gap == 0.01 and d.new.gap == 0.004
    assert any("less than the larger proven gap" in n for n in d.notes)
    far = new.model_copy(update={"cost": plan.cost.model_copy(update={"total": plan.cost.total * 1.05})})
    assert not any("proven gap" in n for n in diff_plans(old, far).notes)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(old.model_dump_json())
    b.write_text(new.model_dump_json())
    done = suanli("diff", a, b, "--format", "markdown")
    assert "gap 1%" in done.stdout and "less than the larger proven gap" in done.stdout


def test_milp_optimum_unchanged_by_the_rows_and_the_start():
    program = load(str(EXAMPLE))
    with_rows = solve_program(program, SolveConfig(gap=1e-9))
    plain = solve_program(program, SolveConfig(gap=1e-9, heuristic=False))
    assert with_rows.violations == [] and plain.violations == []
    assert with_rows.plan.objective == pytest.approx(plain.plan.objective, rel=1e-9)


def test_same_spec_same_bytes_with_the_heuristic(small, tmp_path):
    outs = []
    for k in range(2):
        path = tmp_path / f"plan{k}.json"
        done = suanli("solve", small, "--gap", "1e-2", "--format", "json", "-o", path)
        assert done.returncode == 0, done.stderr
        outs.append(path.read_bytes())
    assert outs[0] == outs[1]


def test_infeasible_spec_says_why_there_is_no_start():
    done = suanli("solve", ROOT / "tests" / "fixtures" / "east-west-infeasible.spec", "--progress")
    assert done.returncode == 3
    assert "heuristic: no MIP start (the LP relaxation ended infeasible)" in done.stderr


def test_backup_copies_are_rounded_into_the_start():
    done = suanli("solve", ROOT / "specs" / "hubs-2027.spec", "--progress", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert "heuristic: rounded the LP relaxation" in done.stderr
    assert json.loads(done.stdout)["status"] == "optimal"


def test_a_bad_answer_with_a_start_is_solved_again():
    """HiGHS 1.16 returned 'optimal' below the LP bound when started from the heuristic's
    plan; the answer is checked against the rows and, when it breaks one, solved again."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    spec = Path(__file__).parent / "fixtures" / "highs_start_bad_optimum.spec"
    out = subprocess.run([sys.executable, "-m", "suanli", "solve", str(spec), "--format", "json", "--gap", "1e-9"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["status"] == "optimal" and abs(plan["objective"] - 53140) < 1e-6


def test_a_start_within_the_gap_ends_the_solve_without_branch_and_bound(tmp_path):
    """specs/features.spec: the heuristic's plan is 0.23% above its LP bound, so with --gap 1%
    the bound proves it and HiGHS is not started; the plan is within 1% of the optimum."""
    spec, out = ROOT / "specs" / "features.spec", tmp_path / "plan.json"
    done = suanli("solve", spec, "--gap", "1e-2", "--progress", "--format", "json", "-o", out)
    assert done.returncode == 0, done.stderr
    assert "highs: not started, the heuristic's plan is within --gap" in done.stderr
    plan = json.loads(out.read_text())
    optimum = json.loads(suanli("solve", spec, "--format", "json").stdout)["objective"]
    assert plan["status"] == "optimal" and 0 < plan["gap"] <= 1e-2
    assert optimum <= plan["objective"] <= optimum * (1 + 1e-2)
    assert suanli("verify", spec, out).returncode == 0
    tight = suanli("solve", spec, "--gap", "1e-3", "--progress", "--format", "json")
    assert "highs: optimal" in tight.stderr and "not started" not in tight.stderr
