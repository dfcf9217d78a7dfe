"""Parser: the LANGUAGE.md §1 example, AST shapes, spans, numbers, keywords, limits."""

from fractions import Fraction

import pytest

from suanli.grammar import ast
from suanli.grammar.errors import KEYWORDS
from suanli.grammar.parser import build_parser, get_parser, parse, parse_expression
from suanli.grammar.literals import MAX_DEPTH

EXAMPLE = """\
# East data, west compute: place 2027 workloads across two hubs.
settings {
  horizon = 1 year
  currency = CNY
  utilization = 80%
}

let gpu_power = 10.2 kW

region beijing {
  power_price = 0.65 CNY/kWh
  pue = 1.35
  carbon_intensity = 580 gCO2/kWh
  power_cap = 60 MW
  tags = [east]
}

region guizhou {
  power_price = 0.35 CNY/kWh
  pue = 1.15
  carbon_intensity = 300 gCO2/kWh
  renewable = 55%
  site_cost = 30e6 CNY/year        # fixed cost, paid only if anything is built here
  tags = [west, hub]
}

link beijing -- guizhou {
  latency = 28 ms
  bandwidth = 400 Gbps
  transfer_cost = 0.02 CNY/GB
}

node gpu8 {                          # an 8-GPU training server
  class = ai
  compute = 8 * 989 TFLOPS
  storage = 30 TB
  power = gpu_power
  capex = 2.4e6 CNY
  lifetime = 5 years
}

node cpu2u {
  class = general
  compute = 4 TFLOPS
  storage = 16 TB
  power = 0.8 kW
  capex = 60e3 CNY
  lifetime = 5 years
}

demand gov_portal {                  # sustained service; may be split across regions
  class = general
  compute = 400 TFLOPS
  storage = 2 PB
  origin = beijing
  traffic = 2 Gbps
  max_latency = 5 ms                 # so it stays in beijing
}

job llm_pretrain {                   # batch job; runs whole in one region, one node type
  class = ai
  work = 3640 PFLOPS * day           # "算力当量": petaflop/s-days
  deadline = 90 days
  serial_fraction = 2%               # Amdahl's law
  efficiency = 40%
  storage = 500 TB
  origin = beijing
  data = 45 TB
}

require west_ai: compute(ai, west) >= 60% * compute(ai)
for r in regions: require compute(r, general) / storage(r) <= 2 GFLOPS/GB
assert cost <= 1.5e9 CNY
objective = minimize cost
"""


def ok(text: str) -> ast.Module:
    module, diags = parse(text, "t.spec")
    assert diags == [], diags
    assert module is not None
    return module


def value_of(text: str) -> ast.Expr:
    (stmt,) = ok(f"let v = {text}\n").statements
    return stmt.value


def where(node) -> tuple[int, int, int, int]:
    s = node.span
    return s.line, s.col, s.end_line, s.end_col


# --------------------------------------------------------------- the example


@pytest.fixture(scope="module")
def example() -> ast.Module:
    return ok(EXAMPLE)


def test_example_statement_kinds(example):
    kinds = [type(s).__name__ for s in example.statements]
    assert kinds == ["Settings", "Let", "Decl", "Decl", "LinkDecl", "Decl", "Decl", "Decl",
                     "Decl", "Require", "For", "Assert", "Objective"]
    assert [s.kind for s in example.statements if isinstance(s, ast.Decl)] == [
        "region", "region", "node", "node", "demand", "job"]


def test_example_settings_and_let(example):
    settings, let = example.statements[:2]
    assert [p.name for p in settings.props] == ["horizon", "currency", "utilization"]
    util = settings.props[2].value
    assert util == ast.Num(Fraction(4, 5), "80%", util.span, percent=True)
    assert where(util) == (5, 17, 5, 20)
    assert let.name == "gpu_power" and where(let) == (8, 1, 8, 24)
    assert isinstance(let.value, ast.Quantity) and let.value.number.value == Fraction(51, 5)
    assert let.value.unit.parts == ("kW",)


def test_example_quantity_quotient(example):
    beijing = example.statements[2]
    assert beijing.name == "beijing" and where(beijing) == (10, 1, 16, 2)
    price = beijing.props[0].value
    assert isinstance(price, ast.BinOp) and price.op == "/"
    assert isinstance(price.left, ast.Quantity)
    assert price.left.number.text == "0.65" and price.left.unit.parts == ("CNY",)
    assert price.right.parts == ("kWh",)
    assert (price.op_span.line, price.op_span.col) == (11, 25)
    assert where(price) == (11, 17, 11, 29)
    tags = beijing.props[-1].value
    assert isinstance(tags, ast.ListExpr) and [i.parts for i in tags.items] == [("east",)]


def test_example_multiplication_shapes(example):
    gpu8 = example.statements[5]
    compute = gpu8.props[1].value
    assert compute.op == "*" and compute.left.value == 8
    assert isinstance(compute.right, ast.Quantity) and compute.right.number.value == 989
    job = example.statements[8]
    work = job.props[1].value
    assert work.op == "*" and isinstance(work.left, ast.Quantity)
    assert work.left.unit.parts == ("PFLOPS",) and work.right.parts == ("day",)
    site_cost = example.statements[3].props[4].value
    assert site_cost.left.number.value == 30_000_000


def test_example_link_and_constraints(example):
    link = example.statements[4]
    assert (link.a, link.b) == ("beijing", "guizhou")
    assert (link.b_span.line, link.b_span.col) == (27, 17)
    req = example.statements[9]
    assert req.name == "west_ai" and (req.name_span.line, req.name_span.col) == (71, 9)
    assert req.cmp.op == ">=" and req.cmp.left.func == "compute"
    assert [a.parts for a in req.cmp.left.args] == [("ai",), ("west",)]
    assert req.cmp.right.left.percent and req.cmp.right.left.value == Fraction(3, 5)
    loop = example.statements[10]
    assert loop.var == "r" and loop.domain.parts == ("regions",)
    assert isinstance(loop.body, ast.Require) and loop.body.cmp.left.op == "/"
    assert example.statements[11].cmp.right.number.value == 1_500_000_000
    assert example.statements[12] == ast.Objective("minimize", example.statements[12].expr,
                                                   example.statements[12].span)


def test_example_comments(example):
    texts = [c.text for c in example.comments]
    assert texts[0].startswith("# East data") and len(texts) == 8
    assert texts[2] == "# an 8-GPU training server"
    assert where(example.comments[2]) == (33, 38, 33, 64)
    assert example.span.line == 1 and example.span.end_line == 75


# ------------------------------------------------------------ grammar build


def test_strict_grammar_has_no_conflicts():
    parser = build_parser(strict=True)
    assert parser.options.strict and parser.options.parser == "lalr"


def test_get_parser_is_cached():
    assert get_parser() is get_parser()


def test_prop_name_regex_excludes_exactly_the_keywords():
    grammar = open(build_parser.__code__.co_filename.replace("parser.py", "suanli.lark"),
                   encoding="utf-8").read()
    line = next(ln for ln in grammar.splitlines() if ln.startswith("PROP_NAME"))
    excluded = line.split("(?:")[1].split(")")[0].split("|")
    assert sorted(excluded) == sorted(KEYWORDS)
    for kw in KEYWORDS:
        assert f'"{kw}"' in grammar


# ------------------------------------------------------------- expressions


@pytest.mark.parametrize("text,value", [
    ("42", Fraction(42)), ("0.35", Fraction(7, 20)), ("1e6", Fraction(10**6)),
    ("1_000_000", Fraction(10**6)), ("2.5E-3", Fraction(1, 400)), ("80%", Fraction(4, 5)),
    ("0.1", Fraction(1, 10)), ("1e-400", Fraction(1, 10**400)), ("12.5%", Fraction(1, 8)),
])
def test_numbers_are_exact(text, value):
    num = value_of(text)
    assert num.value == value and num.text == text and num.percent == text.endswith("%")


def test_operator_precedence_and_associativity():
    e = value_of("1 + 2 * 3 - 4 / 5")
    assert e.op == "-" and e.left.op == "+" and e.left.right.op == "*" and e.right.op == "/"
    neg = value_of("-a * b")
    assert neg.op == "*" and isinstance(neg.left, ast.Neg)
    par = value_of("(1 + 2) * 3")
    assert par.op == "*" and par.left.op == "+"
    neg_q = value_of("-5 kW")
    assert isinstance(neg_q, ast.Neg) and isinstance(neg_q.operand, ast.Quantity)


def test_quantity_binds_tighter_than_division():
    e = value_of("2 GFLOPS/GB")
    assert e.op == "/" and isinstance(e.left, ast.Quantity) and e.right.parts == ("GB",)
    assert isinstance(value_of("10kW"), ast.Quantity)


def test_atoms():
    assert value_of('"a \\"q\\" \\\\ b"').value == 'a "q" \\ b'
    assert value_of("true").value is True and value_of("false").value is False
    assert value_of("cost.site").parts == ("cost", "site")
    call = value_of("served(gov_portal, west)")
    assert call.func == "served" and len(call.args) == 2 and where(call) == (1, 9, 1, 33)
    assert value_of("compute()").args == ()
    assert len(value_of("[a, b,]").items) == 2 and value_of("[]").items == ()
    assert value_of("贵州.电价").parts == ("贵州", "电价")


def test_parse_expression():
    expr, diags = parse_expression("1.2", "<--set>")
    assert diags == [] and expr.value == Fraction(6, 5)
    expr, diags = parse_expression("0.5 CNY/kWh", "<--set>")
    assert expr.op == "/"
    expr, diags = parse_expression("1 +", "<--set>")
    assert expr is None and diags[0].code == "E0116"


# -------------------------------------------------------------- statements


def test_props_separated_by_newlines_semicolons_or_nothing():
    (decl,) = ok("region a { x = 1; y = 2 z = 3 kW\n w = [a]; }").statements
    assert [p.name for p in decl.props] == ["x", "y", "z", "w"]
    assert isinstance(decl.props[2].value, ast.Quantity)


def test_require_then_require_on_next_line():
    stmts = ok("require a: x <= 1\nrequire b: y >= 2 kW\nrequire z == 3").statements
    assert [s.name for s in stmts] == ["a", "b", None]
    assert stmts[1].cmp.right.unit.parts == ("kW",)


def test_assert_levels_and_in_range():
    adv, mand, plain = ok("assert advisory a: x in 1 .. 2\nassert mandatory y <= 1\n"
                          "assert z in 1..5").statements
    assert adv.advisory and adv.name == "a" and isinstance(adv.cmp, ast.InRange)
    assert not mand.advisory and mand.name is None
    assert plain.cmp.lo.value == 1 and plain.cmp.hi.value == 5


def test_for_domains_and_nesting():
    a, b, c = ok("for r in tag(west): require x <= 1\nfor r in [a, b]: assert y <= 2\n"
                 "for r in regions: for n in nodes: require nodes(n, r) <= 1").statements
    assert isinstance(a.domain, ast.Call) and a.domain.func == "tag"
    assert isinstance(b.domain, ast.ListExpr) and isinstance(b.body, ast.Assert)
    assert isinstance(c.body, ast.For) and c.body.var == "n"


def test_policy_scenario_objective_import_extends():
    text = ('import "lib/x.spec"\npolicy p { require a <= 1; assert b >= 2\n for r in regions:'
            ' require c <= 3 }\nobjective = maximize cost\nnode b extends a { class = ai }\n'
            "scenario s { region.gz.pue = 1.2; job.j.work *= 1.5\n settings.utilization -= 5%"
            " node.n.capex += 1 CNY }")
    imp, pol, obj, node, scen = ok(text).statements
    assert imp.path == "lib/x.spec" and (imp.path_span.col, imp.path_span.end_col) == (8, 20)
    assert [type(s).__name__ for s in pol.body] == ["Require", "Assert", "For"]
    assert obj.sense == "maximize"
    assert node.base == "a" and node.base_span.col == 16
    assert [(o.target.parts, o.op) for o in scen.overrides] == [
        (("region", "gz", "pue"), "="), (("job", "j", "work"), "*="),
        (("settings", "utilization"), "-="), (("node", "n", "capex"), "+=")]


def test_non_keywords_are_names():
    (decl,) = ok("node regions { class = ai; compute = 1; storage = compute(nodes) }").statements
    assert decl.name == "regions" and decl.props[0].value.parts == ("ai",)


@pytest.mark.parametrize("text", ["regionfoo {\n}", "let region = 1", "region node {}",
                                  "node x { class = true }\n let y = for"])
def test_keywords_are_reserved(text):
    module, diags = parse(text, "t.spec")
    assert module is None and diags


def test_regionfoo_is_one_name():
    _, diags = parse("regionfoo {\n}\n", "t.spec")
    assert diags[0].code == "E0115" and "region foo" in diags[0].help


# ------------------------------------------------------------ input hygiene


def test_crlf_lone_cr_and_bom_keep_columns():
    for text in ("\ufefflet a = 1\r\nlet b = @\r\n", "let a = 1\rlet b = @\r"):
        _, diags = parse(text, "t.spec")
        assert [(d.code, d.span.line, d.span.col) for d in diags] == [("E0101", 2, 9)]
    module = ok("\ufeffregion a {\r\n  x = 1\r\n}\r\n")
    assert where(module.statements[0].props[0]) == (2, 3, 2, 8)


def test_arabic_indic_digits_are_not_numbers():
    _, diags = parse("let x = ٣\n", "t.spec")
    assert diags and diags[0].code == "E0101"


@pytest.mark.parametrize("text", [
    "let x = " + "(" * 5000 + "1" + ")" * 5000,
    "let x = " + "- " * 5000 + "1",
    "let x = " + "[" * 5000 + "]" * 5000,
    "let x = " + "f(" * 3000 + ")" * 3000,
    "let x = " + " + ".join(["1"] * 3000),
    "for a in x: " * 3000 + "require y <= 1",
])
def test_deep_nesting_is_a_diagnostic(text):
    module, diags = parse(text, "t.spec")
    assert module is None
    assert [d.code for d in diags] == ["E0004"]
    assert str(MAX_DEPTH) in diags[0].message


def test_nesting_at_the_limit_is_fine():
    ok("let x = " + "(" * (MAX_DEPTH - 1) + "1" + ")" * (MAX_DEPTH - 1))


@pytest.mark.parametrize("text", ["1e999", "1e-401", "1e99999999999999999999", "9" * 1001,
                                  "1e401%"])
def test_absurd_numbers_are_diagnostics(text):
    _, diags = parse(f"let x = {text}\n", "t.spec")
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("E0104", 1, 9)]


def test_empty_and_comment_only_files():
    assert ok("").statements == ()
    module = ok("# just a comment\n\n# another")
    assert module.statements == () and len(module.comments) == 2


def test_a_clean_file_does_not_import_lark():
    """`check` of a clean spec takes the fast path; Lark is imported only on a fallback."""
    import subprocess
    import sys

    code = ("import sys; from suanli.compiler.pipeline import compile_spec; "
            "r = compile_spec(sys.argv[1]); assert r.ok; print(any(m.split('.')[0] == 'lark' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, "specs/example.spec"], capture_output=True, text=True,
                         check=True, cwd=__import__("pathlib").Path(__file__).parents[1])
    assert out.stdout.strip() == "False"
