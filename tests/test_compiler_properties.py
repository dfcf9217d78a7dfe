"""Properties of the front end as a whole: generated specs compile clean; nothing raises."""

from hypothesis import given, strategies as st

import suanli.testing as sst
from suanli.compiler.pipeline import compile_spec


def compile_text(tmp_path_factory, text: str):
    path = tmp_path_factory.mktemp("gen") / "gen.spec"
    path.write_text(text, encoding="utf-8")
    return compile_spec(str(path))


@given(text=sst.specs())
def test_generated_specs_compile_clean(tmp_path_factory, text):
    result = compile_text(tmp_path_factory, text)
    assert result.program is not None, [d.message for d in result.diagnostics]
    assert not [d for d in result.diagnostics if d.severity.value == "error"]


@given(text=sst.specs(), cut=st.integers(0, 10_000), junk=st.text(max_size=8))
def test_mutated_specs_give_only_diagnostics(tmp_path_factory, text, cut, junk):
    cut %= max(1, len(text))
    mutated = text[:cut] + junk + text[cut + len(junk):]
    result = compile_text(tmp_path_factory, mutated)  # must not raise
    assert result.program is not None or result.diagnostics
