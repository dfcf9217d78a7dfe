"""The fast parse path builds exactly Lark's Module, or falls back to Lark.

`fast(text)` runs only the hand-written parser (None = it gave up);
`lark(text)` runs only the Lark path. The contract checked here: whenever the
fast path returns a Module, Lark returns an equal one (dataclass equality:
every node, field, span, Fraction and comment); on every valid file we have,
the fast path does not give up; on bad input `parse()` gives Lark's
diagnostics unchanged.
"""

import importlib.util
import re
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import suanli.testing
from suanli.diagnostics import Span
from suanli.grammar import ast, fastlex, fastparse, literals, parser, transform
from suanli.grammar.errors import KEYWORDS
from suanli.grammar.fastnodes import bulk, maker
from suanli.grammar.parser import normalize_text, parse

# the grammar-shaped generators of the parser property tests (tests/ is on sys.path)
from test_parse_errors import CASES as ERROR_CASES
from test_parser_properties import TOKENS, numbers
from test_parser_properties import specs as grammar_specs

ROOT = Path(__file__).resolve().parent.parent
ORLIB = ROOT.parent / "shared" / "orlib" / "specs"


def fast(text: str, path: str = "t.spec") -> ast.Module | None:
    return fastparse.parse_fast(normalize_text(text), path)


def lark(text: str, path: str = "t.spec"):
    return parse(text, path, fast=False)


def assert_same(text: str, path: str = "t.spec") -> ast.Module:
    """The fast path succeeds and builds Lark's Module."""
    module, diags = lark(text, path)
    assert diags == [], diags
    got = fast(text, path)
    assert got is not None, "the fast path gave up on a valid spec"
    assert got == module
    return got


def assert_consistent(text: str, path: str = "t.spec") -> None:
    """Whatever the input: the fast path gives Lark's Module or gives up, and
    `parse()` returns exactly what the Lark path returns."""
    got = fast(text, path)
    module, diags = lark(text, path)
    if got is not None:
        assert diags == [] and got == module
    assert parse(text, path) == (module, diags)


# ------------------------------------------------------------ real files


def corpus() -> list[Path]:
    files = sorted(ROOT.glob("specs/**/*.spec")) + sorted(ROOT.glob("tests/golden/**/*.spec"))
    files += sorted(ORLIB.glob("*.spec"))[:4] if ORLIB.is_dir() else []
    return files


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.parent.name + "/" + p.name)
def test_every_spec_file(path):
    text = path.read_text(encoding="utf-8")
    module, diags = lark(text, str(path))
    if diags:  # a golden syntax error: the fast path must leave it to Lark
        assert fast(text, str(path)) is None
        assert parse(text, str(path)) == (None, diags)
    else:
        assert_same(text, str(path))


def test_corpus_is_not_empty():
    assert len(corpus()) >= 40


def _bench_generate():
    script = ROOT / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", script)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # for its dataclasses
    spec.loader.exec_module(module)
    return module.generate


@pytest.mark.parametrize("seed", [1, 2])
def test_benchmark_spec(seed):
    assert_same(_bench_generate()("S", seed), "S.spec")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suanli.testing.specs())
def test_generated_realistic_specs(text):
    assert_same(text, "gen.spec")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grammar_specs())
def test_generated_grammar_specs(text):
    """Every statement kind, comments everywhere, odd spacing, Unicode names."""
    assert_same(text, "gen.spec")


# ------------------------------------------------------------- features

FEATURES = {
    "comments": "# head\nregion a { # open\n  x = 1 # after\n}\n# tail   \t",
    "comment_between_unit": "let x = 5 # c\n kW\n",
    "comment_only": "# just a comment\n\n# another",
    "empty": "",
    "blank": " \n\t\n",
    "crlf_bom": "\ufeffregion a {\r\n  x = 1\r\n}\r\n",
    "lone_cr": "let a = 1\rlet b = 2\r",
    "unicode": "region 贵州 {\n  电价 = 0.35 CNY/kWh\n  tags = [西部, hub]\n}\nlet y = 贵州.电价\n",
    "percent": "let x = 80%\nlet y = 12.5% * 2\nlet z = 1e2%\n",
    "underscores": "let x = 1_000_000\nlet y = 1_0.2_5e1_0\n",
    "exponents": "let a = 1e6\nlet b = 2.5E-3\nlet c = 1e-400\nlet d = 3e+2 kW\n",
    "strings": 'import "lib/a \\"b\\" \\\\ c.spec"\nregion a { label = "贵州 hub" }\n',
    "string_tab": 'region a { label = "a\tb" }\n',
    "semicolons": "region a { x = 1; y = 2 z = 3 kW\n w = [a]; ; }\n;;let q = 1;\n",
    "link": "link a -- b { latency = 28 ms; bandwidth = 400 Gbps }\n",
    "node_extends": "node b extends a { class = ai }\nnode c { class = general }\n",
    "for": "for r in regions: require compute(r, general) / storage(r) <= 2 GFLOPS/GB\n"
           "for r in tag(west): for n in nodes: assert nodes(n, r) <= 1\n"
           "for r in [a, b,]: require x <= 1\nfor r in a.b: require x <= 1\n",
    "policy": "policy p { require a <= 1; assert b >= 2\n for r in regions: require c <= 3 }\n"
              "policy q { }\n",
    "scenario": "scenario s { region.gz.pue = 1.2; job.j.work *= 1.5\n settings.utilization -= 5%"
                " node.n.capex += 1 CNY; let.x = 2 }\n",
    "asserts": "assert advisory a: x in 1 .. 2\nassert mandatory y <= 1\nassert z in 1..5\n"
               "assert advisory w >= 3\nrequire west_ai: compute(ai, west) >= 60% * compute(ai)\n",
    "dotted_calls_lists": "let a = cost.site + served(gov, west) - compute()\n"
                          "let b = [1, [2, 3], f(g(h))]\nlet c = []\n",
    "bools": "demand d { split = false; x = true }\n",
    "operators": "let a = 1 + 2 * 3 - 4 / 5\nlet b = -a * -b\nlet c = (1 + 2) * 3\n"
                 "let d = - - 5 kW\nlet e = -(x)\nlet f = ((((1))))\nlet g = 2 GFLOPS/GB\n",
    "objective": "objective = maximize cost + 300 CNY/tCO2 * carbon\n",
    "multiline_quantity": "let x = 5\n\n  kW\nlet y = 3\n",
    "prop_name_across_lines": "region a {\n  x\n  =\n  1\n}\n",
    "keywords_as_parts": "let x = formula + index + regions + nodes\n",
    "unit_e": "let x = 1 e\nlet y = 2e\n",
    "years_settings": "settings {\n  years = 2026 .. 2030\n  discount_rate = 8%\n}\n",
    "schedules": "region g { power_price = 0.40 CNY/kWh from 2026, 0.32 CNY/kWh from 2028; pue = 1 }\n"
                 "demand d { years = 2026..2027; growth = 35%; compute = 1 TFLOPS from 2026 }\n",
    "schedule_override": "scenario s { region.g.power_price = 0.5 CNY/kWh from 2026, 0.3 CNY/kWh"
                         " from 2029; demand.d.compute *= 2 }\n",
    "at_clauses": "require at 2030: carbon <= 40 ktCO2\nassert advisory at y: a: cost <= 1\n"
                  "for y in years: assert at y: cost.capex <= 2e9 CNY\n"
                  "policy p { require at 2027 + 1: n: nodes() >= 1 }\n"
                  "require cap: at 2030: carbon <= 1 ktCO2\nassert mandatory b: at 2026: cost <= 1\n",
    "s9_per_time": "demand d { params = 7e10; token_rate = 2e4 / s\n memory = 2 TB; backups = 1 }\n"
                   "let r = 2e4/s\nlet q = 1_000 / min\nnode n { media = ssd }\n"
                   "require memory(ssd, r) >= compute(general) / (1 GFLOPS/GB)\n",
    "example": (ROOT / "specs" / "example.spec").read_text(encoding="utf-8"),
}


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_feature(name):
    assert_same(FEATURES[name])


def test_spans_and_values_of_one_quantity():
    (let,) = assert_same("let x = 0.35 CNY/kWh\n").statements
    price = let.value
    assert price.left.number == ast.Num(Fraction(7, 20), "0.35",
                                        price.left.number.span, False)
    assert (price.span.line, price.span.col, price.span.end_col) == (1, 9, 21)


FALLBACKS = {
    "regionfoo": "regionfoo {\n}\n",
    "keyword_name": "let region = 1\n",
    "keyword_prop": "region a {\n  for = 1\n}\n",
    "comment_before_eq": "region a {\n  x # c\n  = 1\n}\n",
    "bad_char": "let x = 1 @ 2\n",
    "malformed_number": "let x = 1.\n",
    "number_out_of_range": "let x = 1e999\n",
    "too_many_digits": "let x = " + "9" * 1001 + "\n",
    "bad_escape": 'let x = "a\\qb"\n',
    "control_char": 'let x = "a\x01b"\n',
    "unterminated": 'import "abc\n',
    "missing_eq": "region a {\n  pue 1.35\n}\n",
    "unclosed": "region a {\n  pue = 1\n",
    "not_comparison": "require x = 5\n",
    "double_dash_expr": "let x = a --b\n",
    "quantity_dotted_unit": "let x = 5 kW.h\n",
    "call_on_dotted": "let x = a.b(c)\n",
    "percent_unit": "let x = 80% kW\n",
    "objective_no_sense": "objective = cost\n",
    "for_expr_domain": "for r in regions + x: require y <= 1\n",
    "target_one_part": "scenario s { region = 1 }\n",
    "trailing_dot": "let x = a.\n",
    "schedule_trailing_comma": "region a { pue = 1 from 2026, }\n",
    "at_without_colon": "require at 2030 carbon <= 1\n",
    "range_in_let": "let x = 1 .. 2\n",
    "two_at_clauses": "require at 2027: n: at 2028: x <= 1\n",
}


@pytest.mark.parametrize("name", sorted(FALLBACKS))
def test_fast_path_gives_up(name):
    text = FALLBACKS[name]
    assert fast(text) is None
    module, diags = parse(text, "t.spec")
    assert module is None and diags and (module, diags) == lark(text)


def test_regionfoo_is_reported_by_lark():
    _, diags = parse("regionfoo {\n}\n", "t.spec")
    assert diags[0].code == "E0115"


# --------------------------------------------------------- nesting limit

MAX = fastparse.MAX_DEPTH


@pytest.mark.parametrize("make", [
    lambda n: "(" * n + "1" + ")" * n,
    lambda n: "- " * n + "1",
    lambda n: "[" * n + "1" + "]" * n,
    lambda n: "f(" * n + "1" + ")" * n,
    lambda n: " + ".join(["1"] * (n + 1)),
    lambda n: " * ".join(["1"] * (n + 1)),
], ids=["parens", "neg", "lists", "calls", "sum", "product"])
@pytest.mark.parametrize("n", [MAX - 2, MAX - 1, MAX, MAX + 1])
def test_depth_limit_matches_lark(make, n):
    text = f"let x = {make(n)}\n"
    module, diags = lark(text)
    if diags:
        assert [d.code for d in diags] == ["E0004"] and fast(text) is None
    else:
        assert fast(text) == module


@pytest.mark.parametrize("n", [MAX - 2, MAX - 1, MAX, MAX + 1])
def test_for_chain_limit_matches_lark(n):
    text = "for a in x: " * n + "require y <= 1\n"
    module, diags = lark(text)
    assert (fast(text) is None) == bool(diags)
    if not diags:
        assert fast(text) == module


def test_very_deep_input_falls_back_without_recursion_error():
    for text in ("let x = " + "(" * 5000 + "1" + ")" * 5000, "let x = " + "[" * 5000,
                 "for a in x: " * 3000 + "require y <= 1"):
        assert fast(text) is None


# -------------------------------------------------------- bad inputs


@pytest.mark.parametrize("case", ERROR_CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(ERROR_CASES)])
def test_error_cases_keep_their_diagnostics(case):
    text = case[0]
    assert fast(text) is None
    assert parse(text, "t.spec") == lark(text)


@pytest.mark.parametrize("path", sorted((ROOT / "tests/golden/check").glob("*.spec")),
                         ids=lambda p: p.name)
def test_golden_check_inputs_parse_as_before(path):
    text = path.read_text(encoding="utf-8")
    assert parse(text, str(path)) == lark(text, str(path))


@settings(deadline=None)
@given(st.text())
def test_arbitrary_text(text):
    assert_consistent(text)


@settings(deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_token_soup(text):
    assert_consistent(text)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grammar_specs(), st.data())
def test_mutated_specs(text, data):
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 3))
    insert = data.draw(st.sampled_from(["", "{", "}", "(", ")", "=", "-", ":", "region", "@", '"',
                                        ".", "1", "x", "\n", "in", "==", ",", "#", "%", "e5",
                                        " kW", "..", ";", "[", "]", "*=", "--", "for"]))
    assert_consistent(text[:at] + insert + text[at + cut:])


# --------------------------------------------------- pieces in isolation


@given(numbers())
def test_number_values_equal_transforms(text):
    literal = text[:-1] if text.endswith("%") else text
    try:
        expected = literals.number_value(literal)
    except literals.NumberError:
        with pytest.raises(fastparse.Fallback):
            fastparse.number_value(literal)
    else:
        assert fastparse.number_value(literal) == expected


@given(st.text(st.characters(blacklist_characters='"\n'), max_size=12))
def test_string_values_equal_transforms(body):
    token = '"' + body + '"'
    if not re.fullmatch(fastlex.TERMINALS["STRING"], token):
        return
    value, bad = literals.unescape(body)
    if bad is None:
        assert fastparse.string_value(token) == value
    else:
        with pytest.raises(fastparse.Fallback):
            fastparse.string_value(token)


def test_both_parsers_share_one_set_of_limits():
    for name in ("MAX_DEPTH", "MAX_DIGITS", "MAX_EXPONENT", "number_value", "unescape"):
        assert getattr(transform, name) is getattr(literals, name) and fastparse.MAX_DEPTH is literals.MAX_DEPTH


def test_lexer_matches_the_grammar_file():
    grammar = (ROOT / "grammar" / "suanli.lark").read_text(encoding="utf-8")
    for name, regex in fastlex.TERMINALS.items():
        line = next(ln for ln in grammar.splitlines() if re.match(rf"{name}(\.\d+)?:", ln))
        assert line.split(":", 1)[1].strip() == f"/{regex}/", name
    strings = set(re.findall(r'^\w+: "([^"]+)"$', grammar, re.MULTILINE))
    assert strings == set(fastlex.LITERALS) | set(fastlex.KEYWORDS)
    assert set(fastlex.KEYWORDS) == set(KEYWORDS)
    literals = list(fastlex.LITERALS)
    for i, a in enumerate(literals):  # a literal comes before every literal it starts with
        assert not any(b.startswith(a) and b != a for b in literals[i + 1:]), a


LARK_KINDS = {"NAME": fastlex.NAME, "PROP_NAME": fastlex.NAME, "NUMBER": fastlex.NUMBER,
              "PERCENT": fastlex.NUMBER, "STRING": fastlex.STRING}


@pytest.mark.parametrize("text", ["a", "1", "1e5", "x = 1", "x\n = 1", "x == 1", "x # c\n= 1",
                                  "a..b", "1..5", "[a, b]", "--", "-=", "<=", '"s"', "# c",
                                  "贵州 =", "80%", "1_0", "regionfoo in for", "1e kW", "a.b.c"])
def test_tokens_equal_larks(text):
    toks = fastlex.tokenize(text)
    ours = fastparse._Parser(text, "p")
    lexed = [t for t in parser.get_parser().lex(text) if t.type != "COMMENT"]
    n = len(lexed)
    assert toks.kind[n:] == [fastlex.END] * 3
    for i, t in enumerate(lexed):
        assert (toks.text[i], toks.line[i], toks.col[i], toks.end_col[i]) == (
            str(t), t.line, t.column, t.end_column)
        assert toks.kind[i] == LARK_KINDS.get(t.type, str(t))
        if toks.kind[i] is fastlex.NAME:
            assert ours.is_prop_name(i) == (t.type == "PROP_NAME")


def test_makers_build_genuine_nodes():
    s = maker(Span)("p", 1, 2, 3, 4)
    real = Span(path="p", line=1, col=2, end_line=3, end_col=4)
    assert type(s) is Span and s == real and hash(s) == hash(real)
    name = maker(ast.Name)(("a",), s)
    assert type(name) is ast.Name and name == ast.Name(("a",), real)
    with pytest.raises(AttributeError):
        name.parts = ("b",)  # still frozen
    assert bulk(ast.Name, [[("a",), ("b",)], [s, s]]) == [ast.Name(("a",), s), ast.Name(("b",), s)]
    nodes = [c for c in vars(ast).values() if isinstance(c, type) and c.__module__ == ast.__name__]
    assert len(nodes) >= 20
    for cls in nodes:
        assert maker(cls) is not cls, cls  # every node gets the fast constructor
    assert maker(Fraction) is Fraction  # not a slotted dataclass: the class itself


def test_clean_parse_never_builds_the_lark_parser(monkeypatch):
    def no_lark():
        raise AssertionError("the Lark parser was built for a valid spec")

    monkeypatch.setattr(parser, "get_parser", no_lark)
    module, diags = parse(FEATURES["example"], "example.spec")
    assert module is not None and diags == []


def test_a_fast_path_bug_falls_back_to_lark(monkeypatch):
    def broken(text, path):
        raise IndexError("bug")

    monkeypatch.setattr(parser, "parse_fast", broken)
    assert parse("let x = 1\n", "t.spec") == lark("let x = 1\n")
