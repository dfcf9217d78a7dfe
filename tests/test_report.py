"""`suanli report`, `solve --format html`, `diff --format html`: one self-contained,
deterministic HTML page with the graph and charts."""

import json
import re

import pytest

from clirun import ROOT, suanli

SPEC = ROOT / "specs" / "east-west.spec"
PLAN_CHARTS = ("graph", "cost", "nodes", "power", "statements")


@pytest.fixture(scope="module")
def plan_json(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    done = suanli("solve", SPEC, "--format", "json", "-o", path)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    done = suanli("report", SPEC, "-o", path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    return path.read_text(encoding="utf-8")


def charts_in(page: str) -> list[str]:
    return re.findall(r'<svg class="chart" data-chart="([\w-]+)"', page)


def test_spec_report_has_every_chart_and_needs_no_network(report):
    assert charts_in(report) == list(PLAN_CHARTS)
    assert report.startswith("<!DOCTYPE html>")
    assert "<script" not in report and "<link" not in report and " src=" not in report
    urls = set(re.findall(r"https?://[^\"' )]+", report))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls  # namespaces
    # spec facts: carbon colour scale, power caps, labels; plan facts: nodes, statements
    assert "grid carbon intensity (gCO2/kWh)" in report
    assert "power cap" in report and "Beijing metro (京津冀)" in report
    assert "qingyang" in report and "dgx_h100" in report
    assert "require east_west.west_ai" in report and "assert budget" in report


def test_chart_ids_do_not_clash_between_charts(report):
    ids = re.findall(r'\bid="([^"]+)"', report)
    assert len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]+)\)", report):
        assert ref in ids


def test_same_spec_same_bytes_and_solve_html_is_the_same_page(report, tmp_path):
    again = suanli("report", SPEC)
    assert again.returncode == 0, again.stderr
    assert again.stdout == report
    solved = suanli("solve", SPEC, "--format", "html")
    assert solved.returncode == 0, solved.stderr
    assert solved.stdout == report


def test_plan_json_alone_draws_what_the_plan_holds(plan_json, report):
    done = suanli("report", plan_json)
    assert done.returncode == 0, done.stderr
    page = done.stdout
    assert charts_in(page) == list(PLAN_CHARTS)
    assert "grid carbon intensity" not in page and "come from the spec" in page
    with_spec = suanli("report", plan_json, "--spec", SPEC)
    assert with_spec.returncode == 0, with_spec.stderr
    assert with_spec.stdout == report


def test_diff_html_shows_both_sides_and_highlights_changes(plan_json, tmp_path):
    dearer = tmp_path / "dearer.spec"
    dearer.write_text(SPEC.read_text(encoding="utf-8").replace("power_price = 0.32 CNY/kWh",
                                                                "power_price = 0.9 CNY/kWh"), encoding="utf-8")
    done = suanli("diff", plan_json, dearer, "--format", "html")
    assert done.returncode == 0, done.stderr
    page = done.stdout
    assert set(charts_in(page)) >= {"cost", "graph-before", "graph-after", "nodes-before", "nodes-after",
                                    "power-before", "power-after"}
    assert 'class="badge changed"' in page
    assert re.search(r'<tr class="changed up"><td>total</td>', page)
    assert "job llm_pretrain" in page  # moved from qingyang to guian
    same = suanli("diff", plan_json, plan_json, "--format", "html")
    assert same.returncode == 0 and 'class="badge same"' in same.stdout
    assert 'class="changed' not in same.stdout


def test_infeasible_spec_is_reported_with_its_explanation(tmp_path):
    done = suanli("report", ROOT / "tests" / "fixtures" / "east-west-infeasible.spec")
    assert done.returncode == 0, done.stderr
    assert "infeasible" in done.stdout and "Warnings and explanations" in done.stdout


def test_bad_inputs_are_exit_2_and_unwritable_output_74(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"status": 1}', encoding="utf-8")
    done = suanli("report", bad)
    assert done.returncode == 2 and "is not a plan" in done.stderr
    done = suanli("report", SPEC, "--time-limit", "0")
    assert done.returncode == 2
    done = suanli("report", SPEC, "-o", tmp_path / "missing" / "r.html")
    assert done.returncode == 74


def test_cjk_region_names_reach_the_page_as_text(tmp_path):
    spec = tmp_path / "cjk.spec"
    spec.write_text("""
region 贵州 { power_price = 0.35 CNY/kWh  carbon_intensity = 300 gCO2/kWh  power_cap = 5 MW }
region beijing { power_price = 0.65 CNY/kWh  carbon_intensity = 580 gCO2/kWh }
link beijing -- 贵州 { latency = 20 ms }
node cpu { class = general  compute = 4 TFLOPS  power = 0.8 kW  capex = 60e3 CNY  lifetime = 5 years }
demand web { class = general  compute = 40 TFLOPS  origin = beijing  traffic = 1 Gbps }
""", encoding="utf-8")
    done = suanli("report", spec)
    assert done.returncode == 0, done.stderr
    svgs = re.findall(r"<svg.*?</svg>", done.stdout, re.S)
    assert any("贵州" in svg for svg in svgs)  # kept as <text>: the browser's fonts draw it


def test_multi_year_plans_show_builds_and_cost_per_year(plan_json):
    from suanli.report import plan_report

    plan = json.loads(plan_json.read_text(encoding="utf-8"))
    plan["years"] = [
        {"year": 2026, "discount_factor": 1.0, "cost": {"capex": 3e7, "energy": 1e7},
         "regions": [{"name": "qingyang", "builds": {"dgx_h100": 10}, "nodes": {"dgx_h100": 10}}]},
        {"year": 2027, "discount_factor": 0.925926, "cost": {"capex": 4e7, "energy": 1.5e7},
         "regions": [{"name": "qingyang", "builds": {"dgx_h100": 7, "cpu2u": 52},
                      "nodes": {"dgx_h100": 17, "cpu2u": 52}}]}]
    page = plan_report(plan)
    assert "years" in charts_in(page)
    assert "Builds per year" in page and "Cost per year" in page
    assert "<td>2027</td><td>cpu2u=52, dgx_h100=7</td>" in page
    assert plan_report(plan) == page
    del plan["years"]
    assert "years" not in charts_in(plan_report(plan))
