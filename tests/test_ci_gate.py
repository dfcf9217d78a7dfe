"""The CI policy gate end to end on a sample repository's spec change
(tests/fixtures/ci: base.spec and one changed spec per case): exit codes of
`solve --baseline --max-increase`, JUnit (xml.etree), SARIF (validated
against the official OASIS SARIF 2.1.0 schema), GitHub annotations and the
Markdown/JSON/table plan diff. Each fixture spec is solved once (module
fixture); the other renderings are made from the saved plans.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from clirun import ROOT, suanli
from suanli.formats import DIFF_FORMATS, PLAN_FORMATS
from suanli.formats.outputs import DiffOutput, PlanOutput
from suanli.plan_diff import PlanDiff, check_budget, diff_plans
from suanli.solver.plan import loads

jsonschema = pytest.importorskip("jsonschema")

FIX = Path("tests/fixtures/ci")
SARIF_SCHEMA = json.loads((ROOT / FIX / "sarif-schema-2.1.0.json").read_text())
# case -> (exit code with --baseline base --max-increase 5%, the format the CLI renders it in)
CASES = {
    "comment_only": (0, "junit"),
    "cost_up_small": (0, "sarif"),
    "cost_up_large": (1, "github"),
    "assert_fail": (1, "sarif"),
    "advisory_fail": (0, "github"),
    "infeasible": (3, "junit"),
}
STATUS_FOR_EXIT = {0: {"optimal", "feasible"}, 1: {"optimal", "feasible"}, 3: {"infeasible"}, 4: {"error", "time_limit"}}
ANNOTATION = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def main(*args) -> tuple[int, str, str]:
    """The command line in this process (no interpreter start-up), run from the repo root."""
    from suanli.cli import main as cli_main

    out, err = io.StringIO(), io.StringIO()
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main([str(a) for a in args])
    finally:
        signal.signal(signal.SIGTERM, handler)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """Solve base.spec, then every changed spec once against it:
    {case: (exit code, stdout, stderr, plan)} plus the base plan path."""
    out = tmp_path_factory.mktemp("ci")
    base = out / "base.json"
    res = suanli("solve", FIX / "base.spec", "--format", "json", "-o", base)
    assert res.returncode == 0, res.stderr
    results = {"base": (0, "", res.stderr, loads(base.read_text()))}

    def solve(case):
        return suanli("solve", FIX / f"{case}.spec", "--format", CASES[case][1], "--save-plan",
                      out / f"{case}.json", "--baseline", base, "--max-increase", "5%")

    with ThreadPoolExecutor(max_workers=2) as pool:  # one interpreter per core
        for case, res in zip(CASES, pool.map(solve, CASES)):
            assert "Traceback" not in res.stderr
            results[case] = (res.returncode, res.stdout, res.stderr, loads((out / f"{case}.json").read_text()))
    results["_dir"] = out
    return results


def plan_of(solved, case):
    return solved[case][3]


def budget_of(solved, case):
    return check_budget(plan_of(solved, "base"), plan_of(solved, case), 0.05)


def parse_junit(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert int(root.get("tests")) == len(cases)
    for kind in ("failure", "error", "skipped"):
        assert int(root.get(kind + "s" if kind != "skipped" else "skipped")) == len(root.findall(f".//testcase/{kind}"))
    return root


def validate_sarif(text: str) -> dict:
    log = json.loads(text)
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    return log


def parse_github(text: str) -> list[tuple[str, dict, str]]:
    out = []
    for line in text.splitlines():
        m = ANNOTATION.match(line)
        assert m, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in m.group(2).split(",")) if m.group(2) else {}
        message = m.group(3)
        assert "\n" not in message and "\r" not in message
        out.append((m.group(1), props, message.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")))
    return out


# -- exit codes and the JSON status ---------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_exit_code_and_status_agree(solved, case):
    code, _out, err, plan = solved[case]
    assert code == CASES[case][0], err
    assert plan.status in STATUS_FOR_EXIT[code]


def test_budget_failure_names_the_parts_that_rose(solved):
    _code, _out, err, plan = solved["cost_up_large"]
    assert "cost budget exceeded" in err and "more than the 5% allowed" in err
    assert "capex +3,840,000" in err and "site +200,000" in err
    assert [w.code for w in plan.warnings] == ["B001"]
    _code, _out, err, plan = solved["cost_up_small"]
    assert "within the 5% allowed" in err and not plan.warnings


def test_advisory_assert_is_visible_but_exit_0(solved):
    code, out, err, plan = solved["advisory_fail"]
    assert code == 0 and "advisory assert green fails" in err
    assert [a.name for a in plan.asserts if not a.passed] == ["green"]
    kinds = [(k, p.get("title")) for k, p, _m in parse_github(out)]
    assert ("warning", "advisory assert green fails") in kinds and not any(k == "error" for k, _ in kinds)


# -- JUnit -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_junit_is_valid_and_counts_failures(solved, case):
    code, out, _err, plan = solved[case]
    text = PLAN_FORMATS["junit"](PlanOutput(plan.spec, plan, budget=budget_of(solved, case)))
    if CASES[case][1] == "junit":
        assert out == text  # the CLI printed exactly this
    root = parse_junit(text)
    names = {(tc.get("classname"), tc.get("name")): tc for tc in root.iter("testcase")}
    failures = int(root.get("failures")) + int(root.get("errors"))
    assert (failures > 0) == (code != 0)
    if plan.status == "optimal":
        assert ("suanli.require", "east_power") in names
        budget = names[("suanli.budget", "total cost increase <= 5%")]
        assert (budget.find("failure") is not None) == (case == "cost_up_large")
        mandatory = names[("suanli.assert", "budget")]
        assert (mandatory.find("failure") is not None) == (case == "assert_fail")
        advisory = names[("suanli.assert.advisory", "green")]
        assert advisory.find("failure") is None
        if case == "advisory_fail":
            skipped = advisory.find("skipped")
            assert skipped is not None and "value 330.252 tCO2" in skipped.get("message")
            assert {p.get("name"): p.get("value") for p in advisory.iter("property")}["result"] == "fail"
    if case == "assert_fail":
        failure = names[("suanli.assert", "budget")].find("failure")
        assert "value 2,081,640 CNY, required <= 2,000,000 CNY" in failure.get("message")
        assert names[("suanli.assert", "budget")].get("line") == "64"
    if case == "infeasible":
        assert names[("suanli.plan", "solve")].find("failure").get("type") == "infeasible"
        assert names[("suanli.infeasibility", "require east_power")].get("line") == "63"


# -- SARIF -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_sarif_validates_against_the_official_schema(solved, case):
    code, out, _err, plan = solved[case]
    text = PLAN_FORMATS["sarif"](PlanOutput(plan.spec, plan, code, budget_of(solved, case)))
    if CASES[case][1] == "sarif":
        cli = json.loads(out)
        cli["runs"][0].pop("originalUriBaseIds")
        mine = json.loads(text)
        mine["runs"][0].pop("originalUriBaseIds")
        assert cli == mine
    log = validate_sarif(text)
    run = log["runs"][0]
    assert run["invocations"][0]["exitCode"] == code and run["properties"]["status"] == plan.status
    results = {r["ruleId"]: r for r in run["results"]}
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    expected = {"comment_only": set(), "cost_up_small": set(), "cost_up_large": {"suanli/cost-budget"},
                "assert_fail": {"suanli/assert"}, "advisory_fail": {"suanli/advisory-assert"},
                "infeasible": {"suanli/infeasible"}}[case]
    assert set(results) == expected
    errors = [r for r in run["results"] if r["level"] == "error"]
    assert bool(errors) == (code != 0)
    where = {"assert_fail": 64, "advisory_fail": 65, "infeasible": 63, "cost_up_large": 1}
    for rule, result in results.items():
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == f"tests/fixtures/ci/{case}.spec"
        assert loc["region"]["startLine"] == where[case]
    if case == "advisory_fail":
        assert results["suanli/advisory-assert"]["level"] == "warning"


# -- GitHub annotations ---------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_github_annotations(solved, case):
    code, out, _err, plan = solved[case]
    text = PLAN_FORMATS["github"](PlanOutput(plan.spec, plan, budget=budget_of(solved, case)))
    if CASES[case][1] == "github":
        assert out == text
    lines = parse_github(text)
    kinds = [k for k, _p, _m in lines]
    assert kinds[-1] == "notice" and plan.status in lines[-1][2]
    assert ("error" in kinds) == (code != 0)
    for kind, props, message in lines[:-1]:
        assert props["file"] == f"tests/fixtures/ci/{case}.spec" and int(props["line"]) >= 1
        assert props["title"] and message
    if case == "assert_fail":
        (_k, props, message), = [x for x in lines if x[0] == "error"]
        assert (props["line"], props["col"], props["title"]) == ("64", "1", "assert budget fails")
        assert "value 2,081,640 CNY" in message


# -- the plan diff ---------------------------------------------------------------------------------

def markdown_html(text: str) -> ET.Element:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(text)
    return ET.fromstring(f"<root>{html}</root>")


@pytest.fixture(scope="module")
def diffs(solved):
    """`suanli diff base.json CASE.json --format markdown --max-increase 5%` for every case."""
    out = {}
    base = solved["_dir"] / "base.json"
    for case in CASES:
        out[case] = main("diff", base, solved["_dir"] / f"{case}.json", "--format", "markdown",
                         "--max-increase", "5%")
    return out


@pytest.mark.parametrize("case", CASES)
def test_markdown_diff_is_a_pr_comment(diffs, solved, case):
    code, text, err = diffs[case]
    assert code == (1 if case == "cost_up_large" else 0), err
    head = text.splitlines()[0]
    assert head.startswith("### Total cost 2,081,640 CNY → ")
    old, new = plan_of(solved, "base"), plan_of(solved, case)
    assert text == DIFF_FORMATS["markdown"](DiffOutput(old, new, diff_plans(old, new, 0.05)))
    root = markdown_html(text)
    assert root[0].tag == "h3"
    details = root.findall(".//details")
    assert text.count("<details>") == text.count("</details>") == len(details)
    for d in details:
        assert d.find("summary") is not None and d.find(".//table") is not None
    summaries = [d.find("summary").text for d in details]
    if case == "comment_only":
        assert ": no change — within the 5% budget" in head and not details
        assert "No change in cost, placement, carbon" in text
    if case == "cost_up_small":
        assert "+17,466.2 CNY (+0.839%)" in head and "within the 5% budget" in head
        assert any(s.startswith("Nodes per region and node type: +1 cpu") for s in summaries)
    if case == "cost_up_large":
        assert "+4,223,065 CNY (+203%)" in head and "over the 5% budget" in head
        tables = {d.find("summary").text.split(":")[0]: d.find(".//table") for d in details}
        rows = lambda title: [[td.text for td in tr] for tr in tables[title].iter("tr")][1:]
        assert ["train", "job", "east: 3 x gpu", "west: 11 x gpu"] in rows("Placements that moved")
        assert ["west", "gpu", "0", "11", "+11"] in rows("Nodes per region and node type")
        assert ["west", "(site)", "closed", "open", "opened"] in rows("Nodes per region and node type")
        assert ["carbon (tCO2)", "330.252", "464.543", "+134.291", "+40.7%"] in rows("Carbon and energy")
        assert ["capex", "1,740,000", "5,580,000", "+3,840,000", "+221%"] in rows("Cost by part")
    if case in ("assert_fail", "advisory_fail"):
        name = "budget" if case == "assert_fail" else "green (advisory)"
        (d,) = details
        row = [[td.text for td in tr] for tr in d.iter("tr")][1]
        assert row[:4] == [name, "assert", "pass", "fail"]
    if case == "infeasible":
        assert head == "### Total cost 2,081,640 CNY → no plan (infeasible)"
        assert "require east_power must move 0.025 MW above its upper bound" in text


def test_json_and_table_diff_from_specs(solved, tmp_path):
    base = solved["_dir"] / "base.json"
    code, out, err = main("diff", base, FIX / "cost_up_large.spec", "--format", "json")  # a plan and a spec
    assert code == 0, err
    payload = json.loads(out)
    jsonschema.validate(payload, PlanDiff.model_json_schema())
    assert payload["total"]["old"] == 2081640 and payload["total"]["new"] == 6304705
    assert payload["new"]["spec"] == "tests/fixtures/ci/cost_up_large.spec" and payload["budget"] is None
    assert [p["name"] for p in payload["placements"]] == ["train"]
    assert [(n["node_type"], n["delta"]) for n in payload["node_types"]] == [("gpu", 8)]
    path = tmp_path / "diff.txt"
    code, out, err = main("diff", base, solved["_dir"] / "cost_up_small.json", "--format", "table", "-o", path)
    assert code == 0 and out == ""
    text = path.read_text()
    assert text.startswith("Total cost 2,081,640 CNY -> 2,099,106 CNY: +17,466.2 CNY (+0.839%)")
    assert "Cost by part" in text and "<details>" not in text


def test_diff_bad_inputs_exit_2(solved, tmp_path):
    base = solved["_dir"] / "base.json"
    code, _out, err = main("diff", base, FIX / "invalid.spec")
    assert code == 2 and "E0304" in err
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"status": "optimal"}')
    code, _out, err = main("diff", bogus, base)
    assert code == 2 and "is not a plan" in err
    code, _out, err = main("diff", base, base, "--max-increase", "5")
    assert code == 2 and "ambiguous" in err


# -- solve: command-line errors and CI formats on an invalid spec ----------------------------------

def test_solve_gate_options_are_checked_before_solving(solved, tmp_path):
    base = solved["_dir"] / "base.json"
    code, _out, err = main("solve", FIX / "base.spec", "--max-increase", "5%")
    assert code == 2 and "needs --baseline" in err
    code, _out, err = main("solve", FIX / "base.spec", "--baseline", tmp_path / "none.json", "--max-increase", "5%")
    assert code == 2 and "cannot read plan" in err
    code, _out, err = main("solve", FIX / "base.spec", "--baseline", base, "--max-increase", "five")
    assert code == 2 and "--max-increase" in err


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github"])
def test_solve_invalid_spec_reports_the_diagnostic_in_the_ci_format(fmt):
    code, out, err = main("solve", FIX / "invalid.spec", "--format", fmt)
    assert code == 2 and "E0304" in err
    if fmt == "junit":
        (failure,) = parse_junit(out).iter("failure")
        assert failure.get("type") == "E0304"
    elif fmt == "sarif":
        (result,) = validate_sarif(out)["runs"][0]["results"]
        assert result["ruleId"] == "E0304"
        assert result["locations"][0]["physicalLocation"]["region"] == {
            "startLine": 11, "startColumn": 15, "endLine": 11, "endColumn": 26}
    else:
        kind, props, _message = parse_github(out)[0]
        assert kind == "error" and (props["line"], props["col"]) == ("11", "15")
