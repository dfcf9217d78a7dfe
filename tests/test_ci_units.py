"""Unit tests of the CI gate's pieces on hand-built plans: budgets and their
boundaries, diffs of added/removed/moved things, escaping, and the
`assert mandatory`/`assert advisory` severities on a real solve."""

from __future__ import annotations

import contextlib
import io
import json
import signal
import xml.etree.ElementTree as ET

import pytest

from clirun import ROOT
from suanli.diagnostics import Diagnostic, Label, Severity, Span
from suanli.formats import DIAGNOSTIC_FORMATS
from suanli.formats.diff_text import render_diff
from suanli.formats.findings import Finding, parse_location
from suanli.formats.github import github_lines
from suanli.formats.outputs import DiagnosticOutput
from suanli.formats.sarif import sarif_log
from suanli.plan_diff import check_budget, diff_plans, parse_increase
from suanli.solver.plan import Cost, DemandPlan, JobPlan, Plan, RegionPlan, StatementResult


def plan(total=100.0, currency="CNY", status="optimal", regions=(), demands=(), jobs=(), asserts=(),
         requires=(), **parts) -> Plan:
    parts = {"site": 0.0, "capex": total, "opex": 0.0, "energy": 0.0, "network": 0.0, "carbon": 0.0, **parts}
    has = status in ("optimal", "feasible")
    cost = Cost(total=total, **parts) if has else Cost()
    return Plan(status=status, spec="x.spec", solver="highs", objective=total if has else None,
                objective_unit=currency, objective_sense="minimize", currency=currency, horizon_h=8760.0,
                cost=cost, energy_mwh=1.0 if has else None, renewable_energy_mwh=0.0 if has else None,
                carbon_tco2=2.0 if has else None, regions=list(regions), demands=list(demands),
                jobs=list(jobs), asserts=list(asserts), requires=list(requires))


def region(name, nodes, open_=True):
    return RegionPlan(name=name, open=open_, nodes=nodes, power_mw=0.1 * sum(nodes.values()), energy_mwh=1.0,
                      compute_tflops=1.0, storage_tb=1.0, utilization={})


def stmt(name, passed=None, binding=None, advisory=False, value=1.0):
    return StatementResult(name=name, location="x.spec:3:1", op="<=", value=value, bound=2.0, unit="CNY",
                           passed=passed, binding=binding, advisory=advisory)


@pytest.mark.parametrize("text,value", [("5%", 0.05), ("0.05", 0.05), (" 5 % ", 0.05), ("0", 0.0),
                                        ("150%", 1.5), ("1", 1.0), ("2.5e-2", 0.025)])
def test_parse_increase(text, value):
    assert parse_increase(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["5", "-5%", "five", "", "5%%", "0.05 CNY"])
def test_parse_increase_refuses(text):
    with pytest.raises(ValueError):
        parse_increase(text)


def test_budget_boundaries():
    assert not check_budget(plan(100.0), plan(105.0), 0.05).exceeded  # exactly 5% is allowed
    over = check_budget(plan(100.0), plan(105.01, capex=100.0, energy=5.01), 0.05)
    assert over.exceeded and [c.name for c in over.rose] == ["energy"]
    assert "more than the 5% allowed; parts that rose: energy +5.01" in over.message
    down = check_budget(plan(100.0), plan(90.0), 0.0)
    assert not down.exceeded and down.increase == pytest.approx(-0.1)
    assert check_budget(plan(0.0), plan(1.0), 0.5).exceeded  # from nothing: any rise is over
    assert not check_budget(plan(0.0), plan(0.0), 0.0).exceeded
    report = check_budget(plan(100.0), plan(200.0), None)
    assert not report.exceeded and report.increase == pytest.approx(1.0)


def test_budget_without_a_comparable_baseline():
    assert "no cost to compare" in check_budget(plan(status="infeasible"), plan(), 0.05).message
    assert not check_budget(plan(), plan(status="infeasible"), 0.05).exceeded
    assert "are not compared" in check_budget(plan(currency="USD"), plan(), 0.05).message


def test_diff_added_removed_and_moved():
    old = plan(regions=[region("a", {"cpu": 2}), region("b", {"gpu": 1}, open_=True)],
               demands=[DemandPlan(name="web", regions={"a": 1.0}, latency_ms=0.0),
                        DemandPlan(name="gone", regions={"a": 1.0}, latency_ms=0.0)],
               jobs=[JobPlan(name="train", region="b", node_type="gpu", nodes=1, runtime_h=3.0)],
               asserts=[stmt("cap", passed=True), stmt("old_only", passed=True)],
               requires=[stmt("r", binding=False)])
    new = plan(total=120.0, regions=[region("a", {"cpu": 2, "gpu": 1}), region("c", {"cpu": 1})],
               demands=[DemandPlan(name="web", regions={"a": 0.25, "c": 0.75}, latency_ms=3.0)],
               jobs=[JobPlan(name="train", region="a", node_type="gpu", nodes=1, runtime_h=3.0),
                     JobPlan(name="infer", region="c", node_type="cpu", nodes=1, runtime_h=1.0)],
               asserts=[stmt("cap", passed=False, value=3.0), stmt("new_only", passed=True, advisory=True)],
               requires=[stmt("r", binding=True)])
    d = diff_plans(old, new, 0.1)
    assert d.changed and d.budget.exceeded and d.total.pct == pytest.approx(20.0)
    assert {(r.name, r.old_open, r.new_open) for r in d.regions} == {("a", True, True), ("b", True, None),
                                                                   ("c", None, True)}
    assert [(n.node_type, n.delta) for n in d.node_types] == [("cpu", 1)]  # gpu moved a region, same total
    assert {(n.region, n.node_type, n.delta) for r in d.regions for n in r.nodes} == {
        ("a", "gpu", 1), ("b", "gpu", -1), ("c", "cpu", 1)}
    moved = {(p.kind, p.name): (p.old, p.new) for p in d.placements}
    assert moved == {("demand", "gone"): ("a", None), ("demand", "web"): ("a", "a 25%, c 75%"),
                     ("job", "infer"): (None, "c: 1 x cpu"), ("job", "train"): ("b: 1 x gpu", "a: 1 x gpu")}
    states = {s.name: (s.old, s.new) for s in d.statements}
    assert states == {"r": ("holds", "binding"), "cap": ("pass", "fail"), "old_only": ("pass", "absent"),
                      "new_only": ("absent", "pass")}
    assert d.new.failing_asserts == ["cap"]
    md = render_diff(d, md=True)
    assert md.splitlines()[0] == "### Total cost 100 CNY → 120 CNY: **+20 CNY (+20%)** — over the 10% budget ❌"
    assert "| web | demand | a | a 25%, c 75% |" in md and "| gone | demand | a | (absent) |" in md


def test_diff_notes_currency_and_no_change():
    d = diff_plans(plan(currency="USD"), plan())
    assert d.notes and d.total.delta is None and "different currencies" in render_diff(d, md=False)
    same = diff_plans(plan(), plan())
    assert not same.changed and "No change in cost" in render_diff(same, md=True)


def test_github_escaping_round_trips():
    f = Finding("suanli/assert", "error", "a, b: c", "50% of\nit\r", path="dir,x/a:b.spec", line=3, col=2)
    line = github_lines([f], "done").splitlines()[0]
    assert line == "::error file=dir%2Cx/a%3Ab.spec,line=3,col=2,title=a%2C b%3A c::50%25 of%0Ait%0D"


def test_junit_survives_control_characters():
    span = Span("a\x01.spec", 1, 1, 1, 2)
    diag = Diagnostic("E0001", Severity.ERROR, "bad \x00 byte \x1b[31m", (Label(span, "here\x07"),))
    root = ET.fromstring(DIAGNOSTIC_FORMATS["junit"](DiagnosticOutput(["a\x01.spec"], [diag], {}, 2)).encode())
    assert root.get("failures") == "1" and "\ufffd" in root.find(".//failure").get("message")


def test_parse_location():
    assert parse_location("specs/a.spec:72:19") == ("specs/a.spec", 72, 19)
    assert parse_location("C:/x/a.spec:3:1") == ("C:/x/a.spec", 3, 1)
    assert parse_location("a.spec:4") == ("a.spec", 4, None)
    assert parse_location(None) == (None, None, None)


def test_sarif_absolute_paths_are_file_uris():
    f = Finding("E0001", "warning", "t", "m", path="/tmp/x y.spec", line=1, col=1, end_line=1, end_col=1)
    log = json.loads(sarif_log([f], 0, {}))
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "file:///tmp/x%20y.spec"}
    assert loc["region"] == {"startLine": 1, "startColumn": 1, "endLine": 1}


def _main(*args):
    from suanli.cli import main

    out, err = io.StringIO(), io.StringIO()
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        signal.signal(signal.SIGTERM, handler)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("keyword,code", [("assert mandatory", 1), ("assert advisory", 0)])
def test_assert_severity_keywords(tmp_path, keyword, code):
    text = (ROOT / "tests/fixtures/ci/assert_fail.spec").read_text()
    spec = tmp_path / "severity.spec"
    spec.write_text(text.replace("assert budget:", f"{keyword} budget:"))
    got, out, err = _main("solve", spec, "--format", "json")
    payload = json.loads(out)
    assert got == code and payload["status"] == "optimal", err
    (budget,) = [a for a in payload["asserts"] if a["name"] == "budget"]
    assert budget["passed"] is False and budget["advisory"] is (code == 0)
