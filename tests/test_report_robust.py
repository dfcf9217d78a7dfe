"""`suanli report ROBUST.json` and `solve --robust --format html`: the shared build and each
scenario's sub-plan on one page (parsed as HTML)."""

import json
import re

import pytest

from clirun import ROOT, suanli
from html_sections import parse

FIXTURES = ROOT / "tests" / "fixtures" / "scenarios"
SPEC, YEARS_SPEC = FIXTURES / "robust.spec", FIXTURES / "years_robust.spec"


def sections(page: str) -> dict:
    return parse(page).sections


def robust_plan(tmp_path, spec, names):
    path = tmp_path / "robust.json"
    done = suanli("solve", spec, "--robust", names, "-o", path)
    assert done.returncode == 0, done.stderr
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def single_year(tmp_path_factory):
    path, plan = robust_plan(tmp_path_factory.mktemp("robust"), SPEC, "growth,west_lost")
    done = suanli("report", path, "--spec", SPEC)
    assert done.returncode == 0, done.stderr
    return path, plan, done.stdout


def test_the_page_shows_the_shared_build_and_each_scenario(single_year):
    _, plan, page = single_year
    found = sections(page)
    assert [(k, v["title"]) for k, v in found.items()] == [
        ("shared-build", "Shared build"), ("scenarios", "Scenarios"),
        ("scenario-1", "Scenario growth"), ("scenario-2", "Scenario west_lost")]
    shared = found["shared-build"]["tables"][0]
    assert shared[0] == ["region", "open", "nodes", "total"]
    assert [(r[0], r[3]) for r in shared[1:]] == [(b["region"], str(sum(b["nodes"].values()))) for b in plan["builds"]]
    rows = found["scenarios"]["tables"][0][1:]
    assert [r[0] for r in rows] == ["growth", "west_lost"]
    for row, sub in zip(rows, plan["scenarios"]):
        assert float(row[2].replace(",", "")) == pytest.approx(sub["plan"]["objective"], rel=1e-6)
    assert found["scenarios"]["charts"] == ["cost-scenarios"]


def test_each_scenario_section_is_its_sub_plan(single_year):
    _, plan, page = single_year
    found = sections(page)
    for k, sub in enumerate((s["plan"] for s in plan["scenarios"]), 1):
        section = found[f"scenario-{k}"]
        assert section["charts"] == [f"graph-{k}", f"power-{k}"]
        cells = [c for t in section["tables"] for row in t for c in row]
        served = ", ".join(f"{r}={v:g}" for r, v in sorted(sub["demands"][0]["regions"].items()))
        assert served in cells  # the scenario's own placement of demand web
        assert "assert budget" in cells
    lost = [c for t in found["scenario-2"]["tables"] for row in t for c in row]
    assert "west=1" not in lost  # the west is lost in west_lost


def test_solve_html_is_the_report_page_and_ids_do_not_clash(single_year, tmp_path):
    path, _, page = single_year
    solved = suanli("solve", SPEC, "--robust", "growth,west_lost", "--format", "html")
    assert solved.returncode == 0, solved.stderr
    assert solved.stdout.replace(str(path), "") == page.replace(str(path), "")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert "<script" not in page and page.startswith("<!DOCTYPE html>")


def test_a_multi_year_robust_plan_shows_the_build_out_per_year(tmp_path):
    path, plan = robust_plan(tmp_path, YEARS_SPEC, "growth,west_lost")
    done = suanli("report", path)
    assert done.returncode == 0, done.stderr
    found = sections(done.stdout)
    assert found["shared-build"]["title"] == "Shared build (the last year's)"
    out = found["shared-build"]["tables"][1]
    assert out[0] == ["year", "region", "open", "built", "installed"]
    assert [r[:2] + r[3:] for r in out[1:]] == [
        [str(y["year"]), r["name"], ", ".join(f"{t}={v}" for t, v in r["builds"].items()) or "-",
         ", ".join(f"{t}={v}" for t, v in r["nodes"].items())]
        for y in plan["years"] for r in y["regions"] if r["nodes"]]
    for k in (1, 2):
        assert f"years-{k}" in found[f"scenario-{k}"]["charts"]
