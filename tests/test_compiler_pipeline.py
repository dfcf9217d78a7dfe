"""The compiler's pass list and its schema-driven build and emit (compiler/pipeline.py)."""

import inspect
import textwrap

from suanli.compiler import emit_ir, ir
from suanli.compiler.compile_years import YEAR_PASSES
from suanli.compiler.pipeline import PASSES, PERIOD_PASSES, compile_spec
from suanli.compiler.schema import HORIZON, SCHEMAS, q
from suanli.compiler import units
from suanli.compiler.state import CompileState, run_passes
from suanli.diagnostics import DiagnosticBag

SPEC = textwrap.dedent("""
    settings { horizon = 1 year  currency = CNY }
    region east { power_price = 0.5 CNY/kWh }
    node gpu { class = ai  compute = 1 PFLOPS  power = 10 kW  capex = 100e3 CNY }
    demand chat { class = ai  compute = 2 PFLOPS }
""")


def test_every_pass_takes_the_state_and_the_diagnostics():
    for pass_ in (*PASSES, *PERIOD_PASSES):
        assert list(inspect.signature(pass_).parameters) == ["state", "diags"], pass_.__name__
    for pass_ in YEAR_PASSES:
        assert list(inspect.signature(pass_).parameters) == ["run", "diags"], pass_.__name__


def test_allowed_regions_and_job_sizing_are_passes_not_emit_steps():
    names = [p.__name__ for p in PERIOD_PASSES]
    assert names.index("allowed_regions") < names.index("size_jobs") < names.index("emit_ir") == len(names) - 1
    assert {"ai_sizing", "backups", "find_paths"} <= set(names)


def test_a_pass_that_stops_ends_the_run(tmp_path):
    bad = tmp_path / "bad.spec"
    bad.write_text("region {")  # a parse error: nothing after read_sources runs
    diags = DiagnosticBag()
    state = run_passes(PASSES, CompileState(str(bad)), diags)
    assert state.stop and diags.has_errors and state.decls is None and state.program is None


def test_region_schema_rows_are_ir_fields_with_the_schema_defaults():
    for name, spec in SCHEMAS["region"].items():
        expected = tuple(spec.default) if spec.shape == "names" else spec.default
        assert ir.Region.model_fields[name].default == expected, name


def test_node_lifetime_defaults_to_the_horizon():
    assert SCHEMAS["node"]["lifetime"].default is HORIZON


def test_a_new_region_property_is_one_schema_row_and_one_ir_field(tmp_path, monkeypatch):
    """What docs/architecture.md promises: no builder or emitter code for a new region property."""
    class Region(ir.Region):
        water_price: float = 0.0  # currency per m3, say: a plain ratio here

    monkeypatch.setitem(SCHEMAS["region"], "water_price", q(units.RATIO, "3", default=0))
    monkeypatch.setattr(ir, "Region", Region)
    path = tmp_path / "water.spec"
    path.write_text(SPEC.replace("power_price = 0.5 CNY/kWh", "power_price = 0.5 CNY/kWh  water_price = 7"))
    result = compile_spec(str(path))
    assert result.ok, result.diagnostics
    assert result.program.regions[0].water_price == 7.0
    path.write_text(SPEC)
    assert compile_spec(str(path)).program.regions[0].water_price == 0.0  # the schema's default
    path.write_text(SPEC.replace("power_price = 0.5 CNY/kWh", "water_price = 7 kW"))
    codes = [d.code for d in compile_spec(str(path)).diagnostics]
    assert codes == ["E0304"]  # checked by the table's dimensions, like every row


def test_emitted_region_values_follow_the_row_shape():
    assert emit_ir.ir_value(SCHEMAS["region"]["max_nodes"], 7) == 7
    assert emit_ir.ir_value(SCHEMAS["region"]["tags"], [("b", None), ("a", None), ("b", None)]) == ("a", "b")
    assert emit_ir.ir_value(SCHEMAS["region"]["power_cap"], None) is None


def test_a_state_of_one_period_starts_empty():
    state = CompileState("x.spec", "s", ("a=1",), "cost")
    year = state.period(decls=None, overrides={"k": []})
    assert (year.path, year.scenario, year.near, year.sets, year.overrides) == ("x.spec", "s", None, (), {"k": []})
    assert year.world is None and year.allowed == {} and not year.stop


def test_set_items_are_read_one_way_by_the_cli_and_by_suanli_testing():
    from suanli.compiler.apply_scenario import split_set
    from suanli.testing.sources import _split_override

    assert split_set("node.gpu.capex*= 2") == (("node", "gpu", "capex"), "*=", " 2")
    assert split_set("no equals sign") is None
    for item in ("region.a.pue=1.2", "node.gpu.capex*= 2", "settings.horizon = 2 years", "let.x-=1"):
        parts, op, value = split_set(item)
        assert _split_override(item) == (parts, op, value.strip())
