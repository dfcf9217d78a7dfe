"""What the compiler makes of specs: IR values in SI units, and the passes' rules."""

import os
import textwrap
from pathlib import Path

import pytest

from suanli.compiler.pipeline import compile_spec, load
from suanli.diagnostics import CompileError

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str, name: str = "main.spec") -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def codes(path: str, **kw) -> list[str]:
    return [d.code for d in compile_spec(path, **kw).diagnostics]


BASE = """
region bj {
  power_price = 0.5 CNY/kWh
  pue = 1.25
  carbon_intensity = 500 gCO2/kWh
  site_cost = 12 CNY/h
  tags = [east]
}
region gz {
  tags = [west]
}
link bj -- gz {
  latency = 20 ms
  bandwidth = 8 Gbps
  transfer_cost = 0.5 CNY/GB
}
node cpu {
  class = general
  compute = 4 TFLOPS
  storage = 16 TB
  power = 0.8 kW
  capex = 60e3 CNY
}
node big extends cpu {
  compute = 8 TFLOPS
}
demand web {
  class = general
  compute = 40 TFLOPS
  origin = bj
  traffic = 8 Gbps
}
"""


def test_values_are_in_si_units(tmp_path):
    program = load(write(tmp_path, "settings { horizon = 2 years }\n" + BASE))
    bj = program.region("bj")
    assert bj.power_price == pytest.approx(0.5 / 3.6e6)
    assert bj.carbon_intensity == pytest.approx(500 / 3.6e6)
    assert bj.site_cost == pytest.approx(12 * 2 * 8760)  # money/time times the horizon
    link = program.links[0]
    assert link.latency == pytest.approx(0.02) and link.bandwidth == pytest.approx(1e9)
    assert link.transfer_cost == pytest.approx(0.5e-9)
    web = program.services[0]
    assert web.traffic == pytest.approx(1e9) and web.compute == pytest.approx(40e12)
    assert program.settings.currency == "CNY" and program.settings.horizon == 2 * 8760 * 3600


def test_extends_copies_then_overrides(tmp_path):
    program = load(write(tmp_path, BASE))
    big = program.node_type("big")
    assert big.compute == 8e12 and big.storage == 16e12 and big.cls == "general"
    assert big.lifetime == program.settings.horizon  # default lifetime is the horizon


def test_paths_and_allowed_regions(tmp_path):
    program = load(write(tmp_path, BASE))
    assert program.services[0].allowed_regions == ("bj", "gz")
    path = next(p for p in program.paths if p.dest == "gz")
    assert path.hops == ("bj", "gz") and path.latency == pytest.approx(0.02)


def test_scenario_and_set_overrides(tmp_path):
    spec = write(tmp_path, BASE + """
scenario dear {
  region.bj.power_price = 0.9 CNY/kWh
  demand.web.compute *= 2
}
""")
    base = load(spec)
    dear = load(spec, scenario="dear")
    assert dear.region("bj").power_price == pytest.approx(0.9 / 3.6e6)
    assert dear.services[0].compute == pytest.approx(2 * base.services[0].compute)
    both = load(spec, scenario="dear", overrides=("region.bj.pue=1.5", "demand.web.compute*=2"))
    assert both.region("bj").pue == 1.5 and both.services[0].compute == pytest.approx(160e12)


@pytest.mark.parametrize("override,code", [
    ("region.nowhere.pue=1.2", "E0411"), ("region.bj.puee=1.2", "E0411"),
    ("region.bj.pue", "E0410"), ("region.bj.pue=0.5", "E0504"), ("region.bj.pue=(", "E01"),
])
def test_bad_set_is_an_error(tmp_path, override, code):
    found = codes(write(tmp_path, BASE), overrides=(override,))
    assert any(c.startswith(code) for c in found), found


def test_unknown_scenario_suggests(tmp_path):
    spec = write(tmp_path, BASE + "scenario dear { region.bj.pue = 1.3 }\n")
    result = compile_spec(spec, scenario="deer")
    assert result.diagnostics[0].code == "E0409" and "dear" in result.diagnostics[0].help


def test_for_expansion_and_ratio_linearisation(tmp_path):
    spec = write(tmp_path, BASE + "for r in regions: require ratio: compute(r) / storage(r) <= 1 GFLOPS/GB\n")
    statements = load(spec).statements
    assert [s.name for s in statements] == ["ratio[r=bj]", "ratio[r=gz]"]
    row = statements[0].rows[0]
    terms = {(t.metric.kind, t.metric.regions): t.coef for t in row.expr.terms}
    assert terms == {("compute", ("bj",)): 1.0, ("storage", ("bj",)): -1.0}  # 1 GFLOPS/GB = 1 FLOP/s per B
    assert row.upper == 0.0 and row.lower is None


def test_share_require_and_tags(tmp_path):
    spec = write(tmp_path, BASE + "policy p { require share: compute(west) >= 60% * compute() }\n")
    stmt = load(spec).statements[0]
    assert stmt.name == "p.share" and stmt.policy == "p"
    terms = {t.metric.regions: t.coef for t in stmt.rows[0].expr.terms}
    assert terms == {("gz",): 1.0, None: -0.6} and stmt.rows[0].lower == 0.0


def test_in_range_gives_two_bounds(tmp_path):
    spec = write(tmp_path, BASE + "require nodes(bj) in 2 .. 10\n")
    rows = load(spec).statements[0].rows
    assert [(r.lower, r.upper) for r in rows] == [(2.0, None), (None, 10.0)]


def test_objective_with_carbon_price_term(tmp_path):
    spec = write(tmp_path, BASE + "objective = minimize cost + 300 CNY/tCO2 * carbon\n")
    objective = load(spec).objective
    coefs = {t.metric.kind: t.coef for t in objective.expr.terms}
    assert coefs == {"cost": 1.0, "carbon": pytest.approx(300 / 1e6)}
    assert not objective.is_default and objective.dimension.unit == "CNY"


def test_job_sizing_in_ir(tmp_path):
    spec = write(tmp_path, BASE + """
job train {
  class = general
  work = 100 TFLOPS * day
  deadline = 10 days
  serial_fraction = 20%
}
""")
    job = load(spec).jobs[0]
    # on cpu (4 TFLOPS): tau1 = 25 days; need 25*(0.2 + 0.8/N) <= 10 -> N = 4 (tau = 10 days)
    by_type = {o.node_type: o for o in job.options}
    assert by_type["cpu"].nodes == 4 and by_type["cpu"].runtime == pytest.approx(10 * 86400)
    assert by_type["cpu"].consumed == pytest.approx(4e12 * 4 * 10 * 86400)
    # on big (8 TFLOPS): tau1 = 12.5 days; 12.5*(0.2 + 0.8/N) <= 10 -> N = 2 (tau = 7.5 days)
    assert by_type["big"].nodes == 2


def test_deadline_beyond_horizon_warns(tmp_path):
    spec = write(tmp_path, "settings { horizon = 30 days }\n" + BASE + """
job long {
  class = general
  work = 1 TFLOPS * day
  deadline = 60 days
}
""")
    result = compile_spec(spec)
    assert result.program is not None and "W0102" in [d.code for d in result.diagnostics]
    assert result.program.warnings[0].code == "W0102"


def test_currency_inferred_when_settings_omit_it(tmp_path):
    assert load(write(tmp_path, BASE.replace("CNY", "USD"))).settings.currency == "USD"


def test_import_once_and_cycle_chain(tmp_path):
    write(tmp_path, 'import "b.spec"\nregion ra {\n}\n', "a.spec")
    write(tmp_path, 'import "a.spec"\nregion rb {\n}\n', "b.spec")
    main = write(tmp_path, 'import "a.spec"\nimport "b.spec"\n')
    result = compile_spec(main)
    cycle = [d for d in result.diagnostics if d.code == "E0204"]
    assert len(cycle) == 1 and "a.spec -> b.spec -> a.spec" in cycle[0].message


def test_import_diamond_loads_once(tmp_path):
    write(tmp_path, "region shared {\n}\n", "lib/shared.spec")
    write(tmp_path, 'import "shared.spec"\n', "lib/a.spec")
    write(tmp_path, 'import "shared.spec"\n', "lib/b.spec")
    main = write(tmp_path, 'import "lib/a.spec"\nimport "lib/b.spec"\n')
    program = load(main)
    assert [r.name for r in program.regions] == ["shared"]


def test_symlink_out_of_root_is_refused(tmp_path):
    outside = tmp_path / "outside.spec"
    outside.write_text("region x {\n}\n")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "link.spec")
    main = write(root, 'import "link.spec"\n')
    assert "E0203" in codes(main)


def test_every_error_is_reported_not_just_the_first(tmp_path):
    spec = write(tmp_path, """
region a {
  pue = 0.5
  renewable = 300%
  power_cap = 5 TB
}
""")
    assert codes(spec) == ["E0504", "E0504", "E0304"]


def test_load_raises_with_all_diagnostics(tmp_path):
    with pytest.raises(CompileError) as info:
        load(write(tmp_path, "region a {\n  pue = 0.5\n}\n"))
    assert info.value.diagnostics[0].code == "E0504"


@pytest.mark.parametrize("spec", sorted(p.name for p in (ROOT / "specs").glob("*.spec")))
def test_example_specs_compile_clean(spec):
    result = compile_spec(str(ROOT / "specs" / spec))
    assert result.program is not None, [d.message for d in result.diagnostics]
    assert not [d for d in result.diagnostics if d.severity.value == "error"]


@pytest.mark.parametrize("statement", [
    "require compute() >= 0", "require 0 <= compute()", "require compute() in 0 .. 5 TFLOPS",
    "assert 0 <= cost", "require nodes() >= 0",
])
def test_bare_zero_compares_with_any_dimension(tmp_path, statement):
    # found by fuzz/fuzz_front_end.py: `require compute() >= 0` used to raise AttributeError
    program = load(write(tmp_path, BASE + statement + "\n"))
    assert len(program.statements) == 1
