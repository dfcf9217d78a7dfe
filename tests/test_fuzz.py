"""Fuzzing the front end (Hypothesis; bounded by the `ci` profile): only diagnostics may
come out, never an exception.

- grammar-based generation from our own grammar (`hypothesis.extra.lark.from_lark`), raw
  (tokens glued as the grammar allows) and spaced (the parser must accept every spaced
  token stream the grammar generates);
- mutations of valid generated specs: delete, duplicate and swap tokens, truncate, inject
  bytes (invalid UTF-8 included), fed to `parse` and, through a file, to `compile_spec`;
- when `parse` has its hand-written fast path, it builds exactly Lark's module (spans and
  comments included).

The longer run is `python fuzz/fuzz_front_end.py` (fuzz/README.md).
"""

import inspect
import re
from functools import lru_cache
from importlib import resources

import lark
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.lark import from_lark

import suanli.testing as sst
from suanli.compiler.pipeline import compile_spec
from suanli.diagnostics import Diagnostic, Severity
from suanli.grammar.parser import parse


@lru_cache(maxsize=None)
def grammar() -> lark.Lark:
    text = resources.files("suanli.grammar").joinpath("suanli.lark").read_text("utf-8")
    return lark.Lark(text, parser="lalr", lexer="basic", start="module")


def spaced_terminals() -> dict[str, st.SearchStrategy[str]]:
    """A strategy per terminal, each token followed by whitespace so none glue together.
    COMMENT is generated as a blank: `x # c` NEWLINE `= 1` does not lex (PROP_NAME's
    lookahead skips whitespace, not comments), a known limit of the lexer."""
    out = {t.name: st.just(t.pattern.value + " ") for t in grammar().terminals if t.pattern.type == "str"}
    names = ["a", "b", "gpu8", "贵州", "beijing", "east", "cost", "kW", "TFLOPS", "CNY", "day", "_x1"]
    out.update({
        "NAME": st.sampled_from(names).map(lambda s: s + " "),
        "PROP_NAME": st.sampled_from(["pue", "power", "class", "tags", "x", "label"]).map(lambda s: s + " "),
        "NUMBER": st.from_regex(r"[0-9](_?[0-9]){0,3}(\.[0-9]{1,2})?([eE][+-]?[0-9]{1,2})?", fullmatch=True)
        .map(lambda s: s + " "),
        "PERCENT": st.from_regex(r"[0-9]{1,3}(\.[0-9])?%", fullmatch=True).map(lambda s: s + " "),
        "STRING": st.sampled_from(['"a.spec" ', '"x \\" y" ', '"贵州 hub" ']),
        "COMMENT": st.just(" "),
        "WS": st.sampled_from([" ", "\n", "\t", "\r\n"]),
    })
    return out


def check_parse(text: str) -> bool:
    module, diags = parse(text, "fuzz.spec")
    if module is not None:
        assert diags == []
        return True
    assert diags and diags == sorted(diags, key=Diagnostic.sort_key)
    for d in diags:
        assert d.code.startswith("E0") and d.message and d.span.line >= 1 and d.span.col >= 1, d
        assert not any(n.startswith("internal:") for n in d.notes), d
    return False


def check_compile(tmp_path_factory, data: bytes):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.spec"
    path.write_bytes(data)
    result = compile_spec(str(path))  # must not raise
    if result.program is None:
        assert any(d.severity is Severity.ERROR for d in result.diagnostics)
    for d in result.diagnostics:
        assert d.message and not any(n.startswith("internal:") for n in d.notes), d
    return result


# ------------------------------------------------------------------ findings

FOUND = [  # inputs the fuzzers made crash once (fuzz/README.md); they must stay fixed
    "require compute() >= 0\n",  # a bare 0 compared with a metric: AttributeError in lin_expr
    "region a {}\nrequire cost in 0 .. 1e9 CNY\n",
]


@pytest.mark.parametrize("text", FOUND)
def test_fuzz_findings_give_only_diagnostics(tmp_path_factory, text):
    check_parse(text)
    check_compile(tmp_path_factory, text.encode("utf-8"))


# ------------------------------------------------------------------ grammar-based


@given(text=from_lark(grammar(), start="module"))
def test_raw_grammar_strings_give_only_diagnostics(text):
    check_parse(text)


@given(text=from_lark(grammar(), start="module", explicit=spaced_terminals()))
def test_the_parser_accepts_what_the_grammar_generates(tmp_path_factory, text):
    module, diags = parse(text, "gen.spec")
    assert module is not None, [d.message for d in diags]
    check_compile(tmp_path_factory, text.encode("utf-8"))


# ------------------------------------------------------------------ mutation

TOKEN = re.compile(r"\s+|#[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|\w+|\.\.|--|[<>=*+\-]=|\S")


@st.composite
def mutated(draw) -> bytes:
    tokens = TOKEN.findall(draw(sst.specs(max_regions=2, max_demands=2, max_jobs=1)))
    for _ in range(draw(st.integers(1, 3))):
        i, j = (draw(st.integers(0, len(tokens) - 1)) for _ in range(2))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate"]))
        if op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(j, tokens[i])
        elif op == "swap":
            tokens[i], tokens[j] = tokens[j], tokens[i]
        else:
            tokens = tokens[:i]
        tokens = tokens or [""]
    data = "".join(tokens).encode("utf-8")
    if draw(st.booleans()):  # inject raw bytes, possibly splitting a UTF-8 sequence
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=6)) + data[at:]
    return data


@given(data=mutated())
def test_mutated_specs_give_only_diagnostics(tmp_path_factory, data):
    check_compile(tmp_path_factory, data)
    check_parse(data.decode("utf-8", errors="replace"))


@given(text=sst.specs(max_regions=2, max_demands=2), cut=st.integers(0, 10_000))
def test_every_prefix_of_a_spec_gives_only_diagnostics(tmp_path_factory, text, cut):
    data = text.encode("utf-8")[: cut % (len(text) + 1)]
    check_compile(tmp_path_factory, data)


FAST_PATH = "fast" in inspect.signature(parse).parameters


@pytest.mark.skipif(not FAST_PATH, reason="parse has no fast path")
@given(text=st.one_of(mutated().map(lambda b: b.decode("utf-8", errors="replace")),
                      from_lark(grammar(), start="module", explicit=spaced_terminals()),
                      sst.specs(max_regions=2)))
def test_the_fast_parser_agrees_with_lark(text):
    assert parse(text, "gen.spec", fast=True) == parse(text, "gen.spec", fast=False)
