"""Properties of the whole pipeline on generated specs (Hypothesis; bounded by the `ci` profile).

- every generated spec checks clean, solves to optimality, and its plan passes the
  independent verifier (also after a JSON round trip);
- `fmt` round-trips generated specs: same AST, idempotent, same IR;
- the LP relaxation's objective is <= the integer objective;
- HiGHS and CBC agree on the optimal objective.
"""

import re

import pytest
from hypothesis import given, settings

import suanli.testing as sst
from suanli.compiler.pipeline import compile_spec
from suanli.grammar.fmt import format_source, strip_spans
from suanli.grammar.parser import parse
from suanli.solver.backend import Status
from suanli.solver.plan import dumps, loads
from suanli.solver.solve import SolveConfig, solve_program
from suanli.solver.verify import verify

SMALL = dict(max_regions=3, max_demands=3, max_jobs=1)


def compile_text(tmp_path_factory, text: str):
    path = tmp_path_factory.mktemp("gen") / "gen.spec"
    path.write_text(text, encoding="utf-8")
    return compile_spec(str(path))


def without_spans(obj):
    """The IR as plain data, without source positions (which formatting moves): spans
    go, and unnamed statements' generated names (`require@file:line[r=a]`) lose the line."""
    if isinstance(obj, dict):
        return {k: without_spans(v) for k, v in obj.items() if k not in ("span", "root")}
    if isinstance(obj, (list, tuple)):
        return [without_spans(v) for v in obj]
    if isinstance(obj, str) and "@" in obj:
        return re.sub(r"@[^\[]*", "@", obj)
    return obj


def close(a: float, b: float, rel: float = 1e-6) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


@given(text=sst.specs())
def test_generated_specs_check_clean_solve_and_verify(tmp_path_factory, text):
    result = compile_text(tmp_path_factory, text)
    assert result.program is not None, [d.message for d in result.diagnostics]
    assert not [d for d in result.diagnostics if d.severity.value == "error"]
    outcome = solve_program(result.program, SolveConfig())
    assert outcome.status is Status.OPTIMAL, outcome.plan.message
    assert outcome.violations == []
    assert verify(result.program, outcome.plan) == []
    assert verify(result.program, loads(dumps(outcome.plan))) == []
    assert close(outcome.plan.objective, outcome.plan.cost.total)


@given(text=sst.specs())
def test_fmt_round_trips_generated_specs(tmp_path_factory, text):
    module, diags = parse(text, "gen.spec")
    assert diags == []
    once = format_source(text, "gen.spec")
    again, diags = parse(once, "gen.spec")
    assert diags == [] and strip_spans(again) == strip_spans(module)
    assert format_source(once, "gen.spec") == once
    before, after = compile_text(tmp_path_factory, text), compile_text(tmp_path_factory, once)
    assert after.program is not None
    assert without_spans(after.program.model_dump()) == without_spans(before.program.model_dump())


@given(text=sst.specs(**SMALL))
def test_relaxation_bounds_the_integer_optimum(text):
    integer = sst.check_plan(sst.solve(text))
    relaxed = sst.check_plan(sst.solve(text, relax=True), asserts_hold=False)
    assert relaxed.relaxed and not integer.relaxed
    assert relaxed.objective <= integer.objective + 1e-6 * max(1.0, abs(integer.objective))


@settings(max_examples=12)  # CBC runs in a child process: ~1.5 s a solve
@given(text=sst.specs(**SMALL))
def test_highs_and_cbc_agree_on_the_optimum(text):
    highs = sst.check_plan(sst.solve(text, gap=1e-9, tie_break=False))
    cbc = sst.check_plan(sst.solve(text, solver="cbc", gap=1e-9, tie_break=False))
    assert highs.status == cbc.status == "optimal"
    assert close(highs.objective, cbc.objective), (highs.objective, cbc.objective)


NOISY_RELAXATION = """settings { horizon = 1 year; currency = CNY; utilization = 50% }
region bj { power_price = 0.75 CNY/kWh; tags = [east] }
region sh { power_price = 0.5 CNY/kWh; tags = [west] }
link bj -- sh { latency = 1 ms }
node general_0 {
  class = general; compute = 1 TFLOPS; storage = 1 TB; power = 1 kW; capex = 20e3 CNY; lifetime = 3 years
}
demand svc0 { class = general; compute = 10 TFLOPS; storage = 1 TB; origin = bj; split = false }
"""


def test_relaxed_plans_with_lp_noise_verify():
    # found by test_relaxation_bounds_the_integer_optimum: 1e-8 nodes left by the LP once made
    # report.py call a site open that verify.py did not, and `solve --relax` exit 4
    sst.check_plan(sst.solve(NOISY_RELAXATION, relax=True))
