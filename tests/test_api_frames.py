"""plan.to_frames() (pandas tables whose totals equal the JSON plan) and the
notebook displays: Plan._repr_html_ and Diagnostic._repr_html_."""

import json
import sys

import pytest

import suanli
from clirun import ROOT, suanli as cli

EAST_WEST = "specs/east-west.spec"


@pytest.fixture(scope="module")
def plan_and_json():
    shown = cli("solve", EAST_WEST, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)  # the CLI's path string, which names the spec in statement names
        return suanli.solve(EAST_WEST), json.loads(shown.stdout)


def test_frame_totals_equal_the_json_plan(plan_and_json):
    plan, data = plan_and_json
    frames = plan.to_frames()
    assert set(frames) >= {"regions", "nodes", "demands", "jobs", "links", "requires", "asserts", "cost"}
    regions = frames["regions"].set_index("region")
    for r in data["regions"]:
        assert regions.loc[r["name"], "nodes"] == sum(r["nodes"].values())
        assert regions.loc[r["name"], "power_mw"] == r["power_mw"]
        assert bool(regions.loc[r["name"], "open"]) == r["open"]
    assert frames["nodes"]["nodes"].sum() == sum(sum(r["nodes"].values()) for r in data["regions"])
    assert frames["regions"]["energy_mwh"].sum() == pytest.approx(data["energy_mwh"], rel=1e-9)
    cost = frames["cost"].set_index("part")["amount"]
    assert cost.to_dict() == data["cost"]
    assert cost.drop("total").sum() == pytest.approx(data["cost"]["total"], rel=1e-9)
    served = frames["demands"].groupby("demand")["fraction"].sum()
    assert served.to_dict() == pytest.approx({d["name"]: 1.0 for d in data["demands"]})
    assert list(frames["jobs"]["job"]) == [j["name"] for j in data["jobs"]]
    assert len(frames["links"]) == len(data["links"])
    assert list(frames["asserts"]["passed"]) == [a["passed"] for a in data["asserts"]]
    assert list(frames["requires"]["name"]) == [r["name"] for r in data["requires"]]


def test_nodes_pivot_to_a_region_by_type_matrix(plan_and_json):
    plan, data = plan_and_json
    matrix = plan.to_frames()["nodes"].pivot(index="region", columns="node_type", values="nodes").fillna(0)
    for r in data["regions"]:
        for node_type, count in r["nodes"].items():
            assert matrix.loc[r["name"], node_type] == count


def test_relaxed_plans_have_open_fractions_and_placements():
    frames = suanli.solve(ROOT / EAST_WEST, relax=True).to_frames()
    assert "open_fraction" in frames["regions"].columns
    assert frames["jobs"].groupby("job")["fraction"].sum().to_dict() == pytest.approx(
        {j: 1.0 for j in frames["jobs"]["job"].unique()})


def test_years_and_scenarios_are_stacked_from_a_hand_made_plan(plan_and_json):
    from suanli.solver.frames import plan_frames

    _, data = plan_and_json
    year = {k: data[k] for k in ("regions", "cost")}
    later = json.loads(json.dumps(year))
    later["cost"]["total"] *= 2
    hand = dict(data, years=[dict(year, year=2026), dict(later, year=2027)],
                scenarios=[dict(year, scenario="base")])
    frames = plan_frames(hand)
    costs = frames["cost_by_year"]
    assert list(costs.columns) == ["year", "part", "amount"]
    totals = costs[costs.part == "total"].set_index("year")["amount"]
    assert totals.to_dict() == {2026: data["cost"]["total"], 2027: 2 * data["cost"]["total"]}
    assert set(frames["nodes_by_year"]["year"]) == {2026, 2027}
    assert frames["regions_by_scenario"]["scenario"].eq("base").all()
    assert "cost_by_scenario" in frames and "jobs_by_year" not in frames


def test_years_in_the_report_s_shape_give_builds_and_discount_factors(plan_and_json):
    """The per-year shape the HTML report draws (tests/test_report.py): regions with builds."""
    from suanli.solver.frames import plan_frames

    _, data = plan_and_json
    hand = dict(data, years=[
        {"year": 2026, "discount_factor": 1.0, "cost": {"capex": 3e7, "energy": 1e7},
         "regions": [{"name": "qingyang", "builds": {"dgx_h100": 10}, "nodes": {"dgx_h100": 10}}]},
        {"year": 2027, "discount_factor": 0.925926, "cost": {"capex": 4e7, "energy": 1.5e7},
         "regions": [{"name": "qingyang", "builds": {"dgx_h100": 7, "cpu2u": 52},
                      "nodes": {"dgx_h100": 17, "cpu2u": 52}}]}])
    frames = plan_frames(hand)
    builds = frames["builds_by_year"]
    assert builds.groupby("node_type")["builds"].sum().to_dict() == {"cpu2u": 52, "dgx_h100": 17}
    assert frames["summary_by_year"].set_index("year")["discount_factor"].to_dict() == {2026: 1.0, 2027: 0.925926}
    per_year = frames["regions_by_year"].set_index("year")["nodes"].to_dict()
    assert per_year == {2026: 10, 2027: 69}
    assert "builds" not in frames  # the plan itself says nothing of builds


def test_without_pandas_the_error_says_how_to_install_it(plan_and_json, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'suanli\[pandas\]'"):
        plan_and_json[0].to_frames()


def test_plan_html_summary_is_compact_and_escaped(plan_and_json):
    plan, data = plan_and_json
    shown = plan._repr_html_()
    assert "optimal" in shown and "nodes per region" in shown and "cost (CNY)" in shown
    built = [r["name"] for r in data["regions"] if r["nodes"]]
    assert all(f"<td>{name}</td>" in shown for name in built)
    evil = plan.model_copy(update={"spec": "<script>alert(1)</script>", "message": "a & b"})
    shown = evil._repr_html_()
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "a &amp; b" in shown


def test_infeasible_plan_html_lists_what_to_relax():
    with pytest.raises(suanli.Infeasible) as info:
        suanli.solve(ROOT / "tests/fixtures/ci/infeasible.spec")
    shown = info.value.plan._repr_html_()
    assert "infeasible" in shown and "relax one of these" in shown and "east_power" in shown
    assert "nodes per region" not in shown


def test_diagnostic_text_matches_check_and_html_wraps_it():
    diags = suanli.check(ROOT / "tests/fixtures/ci/invalid.spec")
    shown = cli("check", ROOT / "tests/fixtures/ci/invalid.spec")
    assert str(diags[0]) in shown.stderr and str(diags[0]).startswith("error[")
    assert diags[0]._repr_html_().startswith('<pre class="suanli-diagnostic"')


def test_report_html_is_the_page_the_cli_writes(plan_and_json, monkeypatch):
    plan, data = plan_and_json
    shown = cli("report", EAST_WEST)
    assert shown.returncode == 0, shown.stderr
    monkeypatch.chdir(ROOT)
    assert suanli.report_html(EAST_WEST) == shown.stdout
    assert suanli.report_html(plan, spec=EAST_WEST) == shown.stdout  # a Plan plus its spec: the same page
    bare = suanli.report_html(plan.to_json())
    assert bare.startswith("<!DOCTYPE html") or "<html" in bare[:200]
    assert bare != shown.stdout  # without the spec: no carbon intensity, caps or labels
    with pytest.raises(suanli.InvalidPlan):
        suanli.report_html("{}")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install 'suanli\[report\]'"):
        suanli.report_html(plan)
