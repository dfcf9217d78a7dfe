"""suanli's optimum against an independent reading of the contract (tests/reference_model.py:
the MILP of LANGUAGE.md §6/§9 built with PuLP + CBC from the formulas, sharing only the parser
and constant evaluation). Both must agree on feasibility and on the optimal objective."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import reference_model
from clirun import ROOT, suanli
from solver_fixtures import ORLIB as ORLIB_ROOT
from suanli.compiler import units
from suanli.testing import specs

REL = 1e-6
ORLIB = ORLIB_ROOT / "specs"
FIXTURES = ROOT / "tests" / "fixtures" / "reference"
EXAMPLES = sorted((ROOT / "specs").glob("*.spec"))


def suanli_optimum(path: Path) -> tuple[str, float | None, float]:
    """Status, objective in SI base units (the plan writes e.g. tCO2 for a carbon objective)
    and that unit's size, for the plan's rounding to 1e-6 of it."""
    run = suanli("solve", path, "--format", "json", "--gap", "1e-9")
    assert run.returncode in (0, 1, 3), run.stderr
    plan = json.loads(run.stdout)
    assert (plan["status"] == "infeasible") == (run.returncode == 3)
    factor = float(units.lookup_unit(plan.get("objective_unit") or "CNY")[0])
    if plan["objective"] is None:
        return plan["status"], None, factor
    return plan["status"], plan["objective"] * factor, factor


def assert_agree(path: Path) -> None:
    ref = reference_model.solve(path)
    status, objective, unit = suanli_optimum(path)
    assert status == ref.status, f"{path.name}: suanli {status}, reference {ref.status}"
    if ref.objective is not None:
        assert objective == pytest.approx(ref.objective, rel=REL, abs=1e-6 * unit), path.name


def test_the_examples_are_covered():
    assert {p.name for p in EXAMPLES} >= {"example.spec", "features.spec", "hubs-2027.spec", "buildout.spec"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_specs_match_the_reference(path):
    assert_agree(path)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.spec")), ids=lambda p: p.name)
def test_contract_corners_match_the_reference(path):
    """Path ties, exact inclusive limits, backups, max_params, job widths, ratio rows, and a
    §8 build-out (retirement, plain-money site cost paid once, growth, discounting)."""
    assert_agree(path)


def test_the_tie_break_by_names_decides_feasibility(tmp_path):
    """The same tie with the narrow link on the other branch is feasible: the fixture's
    infeasibility comes from the name-list tie-break, not from the network as a whole."""
    assert reference_model.solve(FIXTURES / "name_tiebreak.spec").status == "infeasible"
    text = (FIXTURES / "name_tiebreak.spec").read_text(encoding="utf-8")
    text = text.replace("CNY/GB  bandwidth = 1 Gbps }", "CNY/GB }", 1)
    text = text.replace("0.005 CNY/GB }", "0.005 CNY/GB  bandwidth = 1 Gbps }", 1)
    assert text.count("bandwidth = 1 Gbps") == 1
    moved = tmp_path / "moved.spec"
    moved.write_text(text, encoding="utf-8")
    assert reference_model.solve(moved).status == "optimal"
    assert_agree(moved)


@pytest.mark.parametrize("name", ["cap41.spec"])
def test_reference_reaches_the_published_orlib_optimum(name):
    """A check of the reference itself against a benchmark nobody here wrote."""
    published = {e["file"]: e["published_optimum"]
                 for e in json.loads((ORLIB / "manifest.json").read_text(encoding="utf-8"))}
    ref = reference_model.solve(ORLIB / name)
    assert ref.objective == pytest.approx(published[name], rel=1e-8)


BOUNDED = settings(max_examples=5, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@BOUNDED
@given(specs(max_regions=4, max_demands=3, max_jobs=2))
def test_generated_specs_match_the_reference(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("ref") / "drawn.spec"
    path.write_text(text, encoding="utf-8")
    assert_agree(path)


@BOUNDED
@given(specs(max_regions=3, max_demands=3, max_jobs=2, memory=True, media=True, ai_sizing=True, backups=True))
def test_generated_s9_specs_match_the_reference(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("ref") / "drawn.spec"
    path.write_text(text, encoding="utf-8")
    assert_agree(path)


def tightened(text: str) -> str:
    """Generated caps are generous; shrink them so node caps, power caps and bandwidth bind
    (and some draws become infeasible, where both must say so)."""
    text = re.sub(r"max_nodes = (\d+)", lambda m: f"max_nodes = {int(m.group(1)) // 2000}", text)
    text = re.sub(r"bandwidth = ([\d.]+) Gbps", lambda m: f"bandwidth = {float(m.group(1)) / 1000:g} Gbps", text)
    return re.sub(r"power_cap = ([\d.]+) MW", lambda m: f"power_cap = {float(m.group(1)) / 200:g} MW", text)


@BOUNDED
@given(specs(max_regions=3, max_demands=3, max_jobs=2, memory=True, backups=True))
def test_generated_specs_with_binding_caps_match_the_reference(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("ref") / "drawn.spec"
    path.write_text(tightened(text), encoding="utf-8")
    assert_agree(path)


@BOUNDED
@given(specs(max_regions=3, max_demands=2, max_jobs=1, years=3, memory=True, backups=True))
def test_generated_buildouts_match_the_reference(tmp_path_factory, text):
    """§8: yearly builds, retirement, growth and discounting, with binding caps."""
    path = tmp_path_factory.mktemp("ref") / "drawn.spec"
    path.write_text(tightened(text), encoding="utf-8")
    assert_agree(path)
