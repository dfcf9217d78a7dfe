"""Every constraint family (solver/families/) has a check in the independent verifier.

Each family names the ids of the verifier checks that re-derive it
(`ConstraintFamily.verify`); here every id must exist in verify.py's (or
year_verify.py's) registry, and a plan that breaks the family -- one solved
plan, changed by hand -- must be reported by one of those checks. A new family
without a case below fails `test_every_family_has_a_violation_case`.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from suanli.compiler.pipeline import load
from suanli.solver import verify as V
from suanli.solver import year_verify as YV
from suanli.solver.evaluate import Evaluator
from suanli.solver.extract import state_from_plan
from suanli.solver.families import FAMILIES, row_kind
from suanli.solver.index import Index
from suanli.solver.plan import Plan
from suanli.solver.solve import SolveConfig, solve_program

SPEC = """
settings { horizon = 1 year }
region a { power_price = 0.5 CNY/kWh; power_cap = 1 MW; max_nodes = 100; site_cost = 1e6 CNY/year }
region b { power_price = 0.6 CNY/kWh }
link a -- b { latency = 10 ms; bandwidth = 0.5 Gbps }
node cpu {
  class = general
  compute = 10 TFLOPS
  storage = 10 TB
  memory = 1 TB
  power = 1 kW
  capex = 30000 CNY
  lifetime = 5 years
}
demand web {
  class = general
  compute = 50 TFLOPS
  storage = 20 TB
  memory = 8 TB
  origin = a
  traffic = 1 Gbps
  split = false
  backups = 1
}
job train {
  class = general
  work = 20 TFLOPS * day
  deadline = 10 days
  storage = 1 TB
}
require in_a: nodes(a) >= 1
objective = minimize cost
"""

YEAR_SPEC = """
settings { years = 2026 .. 2027 }
region a { power_price = 0.3 CNY/kWh; site_cost = 1e5 CNY }
region b { power_price = 0.9 CNY/kWh }
node cpu { class = general; compute = 10 TFLOPS; power = 1 kW; capex = 30000 CNY; lifetime = 3 years }
demand web { class = general; compute = 100 TFLOPS; growth = 50% }
"""


def _where(plan: dict, name: str) -> str:
    return next(iter(next(d for d in plan["demands"] if d["name"] == name)["regions"]))


def _set_nodes(plan: dict, region: str, count) -> None:
    for reg in plan["regions"]:
        if reg["name"] == region:
            reg["nodes"] = {t: count for t in reg["nodes"]} or {"cpu": count}


def _served(plan):
    plan["demands"][0]["regions"] = {_where(plan, "web"): 0.5}


def _no_nodes_where_served(plan):
    _set_nodes(plan, _where(plan, "web"), 0)


def _no_nodes_where_the_job_runs(plan):
    _set_nodes(plan, plan["jobs"][0]["region"], 0)


def _too_many_nodes_in_a(plan):
    _set_nodes(plan, "a", 2000)


def _a_closed(plan):
    next(r for r in plan["regions"] if r["name"] == "a")["open"] = False


def _served_far_from_origin(plan):
    plan["demands"][0]["regions"] = {"b": 1.0}


def _no_nodes_in_a(plan):
    _set_nodes(plan, "a", 0)


def _no_backup(plan):
    plan["demands"][0]["backups"] = []


def _built_from_nothing(plan):
    for reg in plan["years"][1]["regions"]:
        reg["builds"] = {t: v + 1 for t, v in reg["builds"].items()} or {"cpu": 1}


def _closes_a(plan):
    for entry in plan["years"][1:]:
        next(r for r in entry["regions"] if r["name"] == "a")["open"] = False


# family -> (its violations: how the solved plan is changed, one per case)
VIOLATIONS = {
    "served": (_served,),
    "compute": (_no_nodes_where_served,),
    "parallel": (_no_nodes_where_the_job_runs,),
    "storage": (_no_nodes_where_served,),
    "memory": (_no_nodes_where_served,),
    "backups": (_no_backup,),
    "caps": (_too_many_nodes_in_a,),
    "bandwidth": (_served_far_from_origin,),
    "buildout": (_built_from_nothing, _closes_a),
    "requires": (_no_nodes_in_a,),
    "sites": (_a_closed,),
}
YEARS = {"buildout"}  # families of multi-year programs only


def _registry_ids() -> set[str]:
    return {c.id for c in V.CHECKS} | {c.id for c in YV.OVER_YEARS}


def test_every_family_names_checks_of_the_verifier():
    ids = _registry_ids()
    for fam in FAMILIES:
        assert fam.verify, f"family {fam.name} names no verifier check"
        assert set(fam.verify) <= ids, f"family {fam.name}: {set(fam.verify) - ids} not in the verifier"


def test_every_family_has_a_violation_case():
    assert set(VIOLATIONS) == {fam.name for fam in FAMILIES}


def test_family_and_row_kind_names_are_unique():
    assert len({fam.name for fam in FAMILIES}) == len(FAMILIES)
    kinds = [kind.name for fam in FAMILIES for kind in fam.rows]
    assert len(set(kinds)) == len(kinds)
    assert all(row_kind(k).name == k for k in kinds)


def test_every_relaxable_row_kind_explains_itself():
    for fam in FAMILIES:
        for kind in fam.rows:
            assert kind.relax is None or kind.describe is not None, kind.name


def _solved(directory: Path, text: str):
    path = directory / "family.spec"
    path.write_text(text, encoding="utf-8")
    program = load(str(path))
    outcome = solve_program(program, SolveConfig())
    assert outcome.plan.status == "optimal" and outcome.violations == []
    return program, outcome.plan.model_dump(mode="json")


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    return _solved(tmp_path_factory.mktemp("single"), SPEC)


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    return _solved(tmp_path_factory.mktemp("years"), YEAR_SPEC)


def _single_period_reports(program, plan: Plan, ids) -> list[str]:
    state = state_from_plan(program, plan)
    ev = Evaluator(program, state, Index(program))
    return [p for c in V.CHECKS if c.id in ids for p in c.run(program, plan, state, ev)]


def _over_years_reports(program, plan: Plan, ids) -> list[str]:
    assert YV.verify_years(program, plan), "verify_years accepted the broken plan"
    states = [state_from_plan(program.years.programs[k], YV._single(plan, e)) for k, e in enumerate(plan.years)]
    builds = [{(r.name, t): float(v) for r in e.regions for t, v in r.builds.items()} for e in plan.years]
    return [p for c in YV.OVER_YEARS if c.id in ids for p in c.run(program, plan, states, builds)]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda fam: fam.name)
def test_the_family_s_checks_report_a_plan_that_breaks_it(family, single, multi):
    program, solved = multi if family.name in YEARS else single
    for breaks in VIOLATIONS[family.name]:
        data = copy.deepcopy(solved)
        breaks(data)
        plan = Plan.model_validate(data)
        if family.name in YEARS:
            found = _over_years_reports(program, plan, family.verify)
        else:
            found = _single_period_reports(program, plan, family.verify)
            assert any(p in V.verify(program, plan) for p in found)
        assert found, f"{family.name}: {breaks.__name__} is not reported by {family.verify}"


def test_the_verifier_imports_nothing_of_the_lowering():
    code = ("import sys, suanli.solver.verify, suanli.solver.year_verify\n"
            "print(sorted(m for m in sys.modules if m.startswith('suanli.solver')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for lowering in ("suanli.solver.families", "suanli.solver.lower", "suanli.solver.columns",
                     "suanli.solver.year_lower", "suanli.solver.linmetrics"):
        assert f"'{lowering}'" not in loaded, lowering
