"""Hypothesis: the parser never crashes; fmt is idempotent and keeps the AST."""

from hypothesis import given
from hypothesis import strategies as st

from suanli.diagnostics import Diagnostic
from suanli.grammar.fmt import format_source, strip_spans
from suanli.grammar.parser import parse

# --------------------------------------------------------- arbitrary input

TOKENS = ["region", "node", "link", "settings", "let", "require", "assert", "advisory", "for",
          "in", "policy", "objective", "=", "minimize", "scenario", "extends", "import", "{",
          "}", "(", ")", "[", "]", ",", ";", ":", ".", "..", "--", "-", "+", "*", "/", "<=",
          ">=", "==", "*=", "-=", "a", "贵州", "x.y", "1", "0.35", "1e6", "80%", "1_000",
          '"s"', "kW", "#c\n", "\n", " ", "true", "@", "1__0", '"', "1e999"]


def check_outcome(module, diags):
    if module is None:
        assert diags and all(isinstance(d, Diagnostic) for d in diags)
        for d in diags:
            assert d.code.startswith("E0") and d.message and d.span.line >= 1 and d.span.col >= 1
            assert not any(n.startswith("internal:") for n in d.notes), d
        assert diags == sorted(diags, key=Diagnostic.sort_key)
    else:
        assert diags == []


@given(st.text())
def test_arbitrary_text_never_raises(text):
    check_outcome(*parse(text, "fuzz.spec"))


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_token_soup_never_raises(text):
    check_outcome(*parse(text, "fuzz.spec"))


# ------------------------------------------------------------ valid specs

NAMES = ["a", "b", "gpu8", "贵州", "beijing", "regions", "nodes", "class", "compute", "_x1",
         "cost", "e", "E", "maxLatency"]
UNITS = ["kW", "MW", "CNY", "kWh", "TFLOPS", "day", "ms", "Gbps", "TB", "tCO2", "e"]
PROP_NAMES = ["pue", "power", "class", "tags", "label", "compute", "regions", "split", "x_1"]


def spaced(draw, *parts):
    gaps = st.sampled_from(["", " ", "  ", "\n  "])
    return "".join(p + (draw(gaps) if i < len(parts) - 1 else "") for i, p in enumerate(parts))


@st.composite
def numbers(draw):
    digits = st.from_regex(r"[0-9](_?[0-9]){0,4}", fullmatch=True)
    text = draw(digits)
    if draw(st.booleans()):
        text += "." + draw(digits)
    if draw(st.booleans()):
        text += draw(st.sampled_from(["e", "E", "e-", "E+"])) + str(draw(st.integers(0, 400)))
    return text + draw(st.sampled_from(["", "", "%"]))


def atoms():
    names = st.sampled_from(NAMES)
    return st.one_of(
        numbers(),
        st.tuples(numbers().filter(lambda n: not n.endswith("%")), st.sampled_from(UNITS))
        .map(" ".join),
        names, st.tuples(names, names).map(".".join),
        st.sampled_from(['"plain"', '"q \\" b \\\\"', '"贵州 hub"', "true", "false", "[]"]),
    )


def combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children)
    return st.one_of(
        binary.map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        binary.map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        children.map(lambda c: f"-({c})"), children.map(lambda c: f"((({c})))"),
        st.tuples(st.sampled_from(NAMES), st.lists(children, max_size=3))
        .map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.lists(children, max_size=3).map(lambda xs: f"[{', '.join(xs)}]"),
    )


EXPRS = st.recursive(atoms(), combine, max_leaves=8)


@st.composite
def comparisons(draw):
    left, right = draw(EXPRS), draw(EXPRS)
    if draw(st.booleans()):
        return f"{left} in {right} .. {draw(EXPRS)}"  # `in` needs spaces around it
    return spaced(draw, left, draw(st.sampled_from(["<=", ">=", "=="])), right)


def eol_comment(draw) -> str:
    text = draw(st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=["Cs"]),
                        max_size=12))
    return draw(st.sampled_from(["", "", f"  #{text}\n"]))


@st.composite
def constraints(draw, depth=0):
    kind = draw(st.sampled_from(["require", "assert", "for"] if depth < 2 else ["require"]))
    label = draw(st.sampled_from(["", "west_ai: ", "贵州_cap :"]))
    if kind == "for":
        domain = draw(st.sampled_from(["regions", "tag(west)", "[a, 贵州]", "nodes"]))
        return f"for r in {domain}: {draw(constraints(depth + 1))}"
    level = draw(st.sampled_from(["", "advisory ", "mandatory "])) if kind == "assert" else ""
    return f"{kind} {level}{label}{draw(comparisons())}"


@st.composite
def blocks(draw, head, items):
    seps = st.sampled_from(["\n", "; ", " ", "\n\n", ";\n", "\n# full line\n"])
    body = "".join(item + draw(seps) + eol_comment(draw) for item in draw(st.lists(items, max_size=4)))
    opening = draw(st.sampled_from(["", " ", "  # head\n"]))
    return f"{head} {{{opening}{body}}}"


@st.composite
def props(draw):
    return spaced(draw, draw(st.sampled_from(PROP_NAMES)), "=", draw(EXPRS))


@st.composite
def overrides(draw):
    target = draw(st.sampled_from(["region.a.pue", "settings.utilization", "job.j.work", "let.x"]))
    return f"{target} {draw(st.sampled_from(['=', '*=', '+=', '-=']))} {draw(EXPRS)}"


def statements():
    return st.one_of(
        blocks("region r", props()),
        st.sampled_from(["settings", "node gpu8 extends base", "demand d", "job j",
                         "link a -- 贵州"]).flatmap(lambda h: blocks(h, props())),
        st.builds(lambda e: f"let x = {e}", EXPRS),
        st.sampled_from(['import "a.spec"', 'import "dir/\\"odd\\".spec"']),
        constraints(),
        blocks("policy p", constraints()),
        blocks("scenario s", overrides()),
        st.builds(lambda s, e: f"objective = {s} {e}", st.sampled_from(["minimize", "maximize"]),
                  EXPRS),
    )


@st.composite
def specs(draw):
    seps = st.sampled_from(["\n", "\n\n", " ", "; ", "\n# note\n", "\n\n# a\n\n# b\n"])
    parts = [stmt + draw(seps) + eol_comment(draw) + "\n"
             for stmt in draw(st.lists(statements(), min_size=1, max_size=6))]
    return draw(st.sampled_from(["", "# header\n\n", "\n\n"])) + "".join(parts)


@given(specs())
def test_fmt_is_idempotent_and_preserves_the_ast(text):
    module, diags = parse(text, "gen.spec")
    assert diags == [], (text, diags)
    once = format_source(text, "gen.spec")  # checks itself; checked again here
    again, diags = parse(once, "gen.spec")
    assert diags == [] and strip_spans(again) == strip_spans(module)
    assert format_source(once, "gen.spec") == once
    assert once.endswith("\n") and "\n\n\n" not in once
    assert all(line == line.rstrip() for line in once.split("\n"))


@given(specs(), st.data())
def test_mutated_specs_never_raise(text, data):
    """Valid specs with one cut or insertion reach the error rules in every context."""
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 3))
    insert = data.draw(st.sampled_from(["", "{", "}", "(", ")", "=", "-", ":", "region", "@",
                                        '"', ".", "1", "x", "\n", "in", "==", ","]))
    check_outcome(*parse(text[:at] + insert + text[at + cut:], "mut.spec"))
