"""The Python API (docs/python.md): suanli.solve / check / verify / explain / diff,
the Plan model's JSON round trip, the typed errors, and quiet file descriptors."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import suanli
from clirun import ROOT, suanli as cli
from suanli.diagnostics import Severity

EAST_WEST = ROOT / "specs" / "east-west.spec"
CI = ROOT / "tests" / "fixtures" / "ci"
UNBOUNDED = """settings { currency = CNY }
region a { power_price = 0.5 CNY/kWh }
node cpu {
  class = general
  compute = 1 TFLOPS
  power = 1 kW
  capex = 1 CNY
  lifetime = 1 year
}
objective = maximize nodes(a)
"""


@pytest.fixture(scope="module")
def plan():
    return suanli.solve(EAST_WEST)


def test_public_names_are_exported():
    for name in ("solve", "check", "verify", "explain", "diff", "report_html", "Plan", "SuanliError", "CompileError",
                 "Infeasible", "NoPlan", "InvalidPlan", "Diagnostic", "Violation"):
        assert name in suanli.__all__ and getattr(suanli, name) is not None
    for error in (suanli.CompileError, suanli.Infeasible, suanli.NoPlan, suanli.InvalidPlan):
        assert issubclass(error, suanli.SuanliError)


def test_solve_returns_the_verified_plan(plan):
    assert isinstance(plan, suanli.Plan)
    assert plan.status == "optimal" and plan.has_plan and plan.asserts_hold
    assert plan.spec == str(EAST_WEST) and plan.cost.total > 0
    assert suanli.verify(EAST_WEST, plan) == []


def test_spec_text_and_a_str_path_give_the_same_plan(plan):
    text = EAST_WEST.read_text(encoding="utf-8")
    from_text = suanli.solve(text, base=EAST_WEST.parent)  # its import resolves against base
    assert from_text.spec == "<spec>" and from_text.requires[0].location.startswith("<spec>:")
    assert from_text.cost == plan.cost and from_text.regions == plan.regions
    assert suanli.solve(os.path.relpath(EAST_WEST)).cost == plan.cost


def test_spec_text_imports_resolve_against_base_and_cwd(tmp_path, monkeypatch):
    text = (ROOT / "specs" / "features.spec").read_text(encoding="utf-8")  # imports lib/hubs.spec
    assert [d.code for d in suanli.check(text, base=tmp_path)] == ["E0201"]  # no lib/ in tmp_path
    with pytest.raises(suanli.CompileError) as info:
        suanli.solve(text, base=tmp_path)
    assert [d.code for d in info.value.diagnostics] == ["E0201"]
    assert "<spec>:2:" in str(info.value.diagnostics[0])
    assert suanli.solve(text, base=ROOT / "specs").has_plan
    shutil.copytree(EAST_WEST.parent / "lib", tmp_path / "lib")
    monkeypatch.chdir(tmp_path)
    assert [d.code for d in suanli.check(text)] == [d.code for d in suanli.check(ROOT / "specs" / "features.spec")]


def test_solve_options_reach_the_solver():
    relaxed = suanli.solve(EAST_WEST, relax=True, gap=1e-4, threads=1, time_limit=60)
    assert relaxed.relaxed and relaxed.status == "optimal"
    scenario = suanli.solve(ROOT / "specs" / "features.spec", scenario="price_shock")
    assert scenario.scenario == "price_shock"
    assert suanli.solve(ROOT / "specs" / "features.spec", solver="cbc").has_plan


def test_a_compiled_program_solves_to_the_same_plan(plan):
    import suanli.api

    program = suanli.api.load(EAST_WEST)
    assert suanli.solve(program).to_json() == plan.to_json()
    with pytest.raises(suanli.CompileError):
        suanli.api.load(CI / "invalid.spec")


def test_overrides_change_the_plan(plan):
    doubled = suanli.solve(EAST_WEST, overrides=["settings.carbon_price=600 CNY/tCO2"])
    assert doubled.cost.carbon == pytest.approx(10 * plan.cost.carbon, rel=0.2)


@pytest.mark.parametrize("options, message", [
    ({"time_limit": 0}, "time_limit"), ({"gap": 1.5}, "gap"), ({"threads": 0}, "threads"),
    ({"solver": "gurobi"}, "solver")])
def test_bad_options_are_value_errors(options, message):
    with pytest.raises(ValueError, match=message):
        suanli.solve(EAST_WEST, **options)


def test_a_bad_spec_raises_compile_error_with_its_diagnostics():
    with pytest.raises(suanli.CompileError) as info:
        suanli.solve(CI / "invalid.spec")
    diags = info.value.diagnostics
    assert diags and all(isinstance(d, suanli.Diagnostic) for d in diags)
    assert any(d.severity is Severity.ERROR for d in diags)
    assert str(info.value).startswith(f"{sum(d.severity is Severity.ERROR for d in diags)} error(s)\nerror[")
    with pytest.raises(suanli.CompileError, match="cannot read"):
        suanli.solve("no/such/file.spec")
    with pytest.raises(TypeError):
        suanli.solve(42)


def test_check_returns_every_diagnostic_rendered_as_the_cli_does():
    diags = suanli.check(CI / "invalid.spec")
    assert diags and diags == sorted(diags, key=lambda d: d.sort_key())
    shown = cli("check", "tests/fixtures/ci/invalid.spec")
    assert shown.returncode == 2
    assert "\n\n".join(str(d) for d in suanli.check("tests/fixtures/ci/invalid.spec")) in shown.stderr
    clean = suanli.check(EAST_WEST)
    assert clean == [] and clean.program is not None and clean.errors == []
    assert str(EAST_WEST) in clean.sources
    assert suanli.check(CI / "invalid.spec").program is None
    with pytest.raises(TypeError):
        suanli.check(b"region a {}")
    assert [d.code for d in suanli.check("region a {}\nregion a {}\n")] == [d.code for d in suanli.check(
        "region a {}\nregion a {}\n", base=CI)]  # text: the same diagnostics wherever it stands
    warnings = suanli.check(CI / "warning.spec")
    assert warnings and all(d.severity is Severity.WARNING for d in warnings)


def test_diagnostic_html_is_escaped():
    diags = suanli.check('region <b>x</b> {}\n')
    assert diags
    shown = diags[0]._repr_html_()
    assert shown.startswith("<pre") and "<b>" not in shown and "&lt;b&gt;" in shown
    assert str(diags[0]).splitlines()[0] in shown.replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'")


def test_infeasible_carries_the_explanation_in_spec_units():
    with pytest.raises(suanli.Infeasible) as info:
        suanli.solve(CI / "infeasible.spec")
    exc = info.value
    assert exc.plan.status == "infeasible" and exc.explanation
    item = next(i for i in exc.explanation if i.constraint == "require east_power")
    assert item.unit == "MW" and item.shortfall > 0 and "east_power" in item.message
    assert item.message in str(exc)
    explained = suanli.explain(CI / "infeasible.spec")
    assert not explained.feasible and [i.message for i in explained] == [i.message for i in exc.explanation]
    assert suanli.explain(EAST_WEST).feasible and len(suanli.explain(EAST_WEST)) == 0


def test_no_plan_carries_the_status_and_the_plan():
    with pytest.raises(suanli.NoPlan) as info:
        suanli.solve(UNBOUNDED)
    assert info.value.status == "error" and "unbounded" in info.value.plan.message
    with pytest.raises(suanli.NoPlan) as info:
        suanli.explain(UNBOUNDED)
    assert info.value.status == "unbounded" and info.value.plan is None
    with pytest.raises(ValueError):
        suanli.explain(EAST_WEST, time_limit=-1)
    with pytest.raises(suanli.CompileError):
        suanli.explain(CI / "invalid.spec")


def test_a_failing_assert_is_a_plan_not_an_error():
    plan = suanli.solve(CI / "assert_fail.spec")
    assert plan.has_plan and not plan.asserts_hold
    assert cli("solve", CI / "assert_fail.spec", "--format", "json").returncode == 1
    assert suanli.solve(CI / "advisory_fail.spec").asserts_hold  # advisory asserts never fail


def test_verify_finds_violations_and_rejects_what_is_not_a_plan(plan, tmp_path):
    broken = json.loads(plan.to_json())
    region = next(r for r in broken["regions"] if r["nodes"])
    region["nodes"] = {t: 0 for t in region["nodes"]}
    violations = suanli.verify(EAST_WEST, json.dumps(broken))
    assert violations and all(isinstance(v, suanli.Violation) for v in violations)
    path = tmp_path / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    assert suanli.verify(str(EAST_WEST), path) == []
    with pytest.raises(suanli.InvalidPlan, match="is not a plan"):
        suanli.verify(EAST_WEST, '{"status": "optimal"}')
    with pytest.raises(suanli.InvalidPlan, match="cannot read plan"):
        suanli.verify(EAST_WEST, tmp_path / "missing.json")
    with pytest.raises(suanli.CompileError):
        suanli.verify(CI / "invalid.spec", plan)


def test_diff_compares_plans_and_specs(plan, tmp_path):
    old = suanli.solve(CI / "base.spec")
    same = suanli.diff(old, CI / "base.spec")
    assert not same.changed
    rose = suanli.diff(CI / "base.spec", CI / "cost_up_large.spec", max_increase="5%")
    assert rose.changed and rose.budget.exceeded
    assert not suanli.diff(old.to_json(), old, max_increase=0.05).budget.exceeded
    infeasible = suanli.diff(old, CI / "infeasible.spec")
    assert infeasible.status_changed
    with pytest.raises(ValueError):
        suanli.diff(old, old, max_increase="five percent")
    with pytest.raises(suanli.CompileError):
        suanli.diff(old, CI / "invalid.spec")


def test_plan_json_round_trip(plan, tmp_path):
    text = plan.to_json()
    assert suanli.Plan.from_json(text) == plan
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    assert suanli.Plan.from_json(path).to_json() == text
    assert suanli.Plan.from_json(str(path)).to_json() == text
    with pytest.raises(suanli.InvalidPlan):
        suanli.Plan.from_json("{not json")


@pytest.mark.parametrize("spec", sorted(p.name for p in (ROOT / "specs").glob("*.spec")))
def test_cli_and_api_give_byte_identical_plans(spec, monkeypatch):
    path = f"specs/{spec}"
    shown = cli("solve", path, "--format", "json")
    monkeypatch.chdir(ROOT)  # the same path string: it names the spec in locations
    try:
        plan = suanli.solve(path)
    except (suanli.Infeasible, suanli.NoPlan) as exc:
        plan = exc.plan
    assert shown.stdout and plan.to_json() == shown.stdout


def _captured_fds(action):
    """What `action()` writes to file descriptors 1 and 2 (the C level included);
    files rather than pipes, so a chatty failure cannot block on a full pipe."""
    import tempfile

    saved = [os.dup(1), os.dup(2)]
    sinks = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
    try:
        sys.stdout.flush(), sys.stderr.flush()
        for fd, sink in zip((1, 2), sinks):
            os.dup2(sink.fileno(), fd)
        action()
        sys.stdout.flush(), sys.stderr.flush()
    finally:
        for fd, old in zip((1, 2), saved):
            os.dup2(old, fd)
            os.close(old)
    out = []
    for sink in sinks:
        sink.seek(0)
        out.append(sink.read())
        sink.close()
    return out


def test_the_api_writes_nothing_to_stdout_or_stderr():
    def everything():
        suanli.solve(EAST_WEST)
        suanli.solve(EAST_WEST, relax=True)
        suanli.check(CI / "invalid.spec")
        suanli.explain(CI / "infeasible.spec")
        with pytest.raises(suanli.Infeasible):
            suanli.solve(CI / "infeasible.spec")
        suanli.diff(CI / "base.spec", CI / "cost_up_small.spec")
        suanli.solve(CI / "base.spec", solver="cbc")
        with pytest.raises(suanli.NoPlan):
            suanli.solve(UNBOUNDED)

    assert _captured_fds(everything) == [b"", b""]


def test_the_done_when_command_prints_the_regions_table():
    code = "import suanli; p = suanli.solve('specs/east-west.spec'); print(p.to_frames()['regions'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["region", "open", "nodes"]
    assert any(line.split()[1:3] == ["qingyang", "True"] for line in lines[1:])
    assert out.stderr == ""


def test_the_testing_kit_solves_through_the_public_api(monkeypatch):
    import suanli.api
    import suanli.testing as sst

    calls = []
    real = suanli.api.solve
    monkeypatch.setattr(suanli.api, "solve", lambda spec, **kw: calls.append(spec) or real(spec, **kw))
    sst._solve_cached.cache_clear()
    plan = sst.solve(CI / "base.spec", sst.scale_prices(CI / "base.spec", 2))
    assert len(calls) == 1 and plan.has_plan and plan.spec == str(CI / "base.spec")
    for module in (ROOT / "src" / "suanli" / "testing").glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "solve_program" not in source and "compile_spec" not in source, module


def test_the_fd_capture_sees_c_level_writes():
    assert _captured_fds(lambda: (os.write(1, b"out"), os.write(2, b"err"))) == [b"out", b"err"]
