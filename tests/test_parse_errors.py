"""Syntax errors: code, exact line:col, a meaningful message; source reading errors."""

import pytest

from suanli.diagnostics import CompileError, render
from suanli.grammar.parser import parse
from suanli.grammar.source import load_source, read_source

# (source, code, line, col, words the message must contain)
CASES = [
    ("region a {\n  pue 1.35\n}\n", "E0106", 2, 3, "missing `=`"),
    ("region a {\n  pue: 1.35\n}\n", "E0106", 2, 3, "missing `=`"),
    ("let x 5\n", "E0106", 1, 5, "missing `=`"),
    ("objective minimize cost\n", "E0106", 1, 11, "missing `=`"),
    ("region a {\n  power = kW 10\n}\n", "E0114", 2, 14, "unit comes after its number"),
    ("region a {\n  pue = 1\n", "E0107", 2, 10, "unclosed `{`"),
    ("region a {\n  x = 1\nregion b {\n}\n", "E0107", 3, 1, "missing `}`"),
    ("let x = (1 + 2\n", "E0107", 1, 15, "unclosed `(`"),
    ("region a {\n  x = 1\n}\n}\n", "E0108", 4, 1, "unmatched `}`"),
    ("let x = (1]\n", "E0108", 1, 11, "does not close"),
    ("region node {\n}\n", "E0109", 1, 8, "keyword"),
    ("let region = 5\n", "E0109", 1, 5, "keyword"),
    ("region a {\n  for = 1\n}\n", "E0109", 2, 3, "keyword"),
    ('import "abc\n', "E0102", 1, 8, "unterminated string"),
    ("let x = 1__0\n", "E0103", 1, 9, "malformed number"),
    ("let x = 1.\n", "E0103", 1, 9, "malformed number"),
    ("let x = 1_\n", "E0103", 1, 9, "malformed number"),
    ("let x = 1e5.5\n", "E0103", 1, 9, "malformed number"),
    ("let x = .5\n", "E0103", 1, 9, "cannot start with `.`"),
    ("let x = 1e999\n", "E0104", 1, 9, "out of range"),
    ('let x = "a\\qb"\n', "E0105", 1, 11, "escape"),
    ("let x = 1 @ 2\n", "E0101", 1, 11, "`@`"),
    ("let x = $y\n", "E0101", 1, 9, "`$`"),
    ("let x = 80 %\n", "E0101", 1, 12, "`%`"),
    ("let x = 1，2\n", "E0101", 1, 10, "FULLWIDTH COMMA"),
    ("let x = 1\x00\n", "E0101", 1, 10, "\\x00"),
    ("for r in regions require x <= 1\n", "E0110", 1, 18, "missing `:`"),
    ("require a x <= 5\n", "E0110", 1, 11, "missing `:`"),
    ("require cost 5\n", "E0111", 1, 14, "missing comparison"),
    ("require cost\nrequire b: x <= 1\n", "E0111", 2, 1, "missing comparison"),
    ("require x < 5\n", "E0101", 1, 11, "`<`"),
    ("link a - b {\n}\n", "E0113", 1, 8, "`--`"),
    ("require x = 5\n", "E0112", 1, 11, "not a comparison"),
    ("assert a: cost.site = 5\n", "E0112", 1, 21, "not a comparison"),
    ("regionfoo {\n}\n", "E0115", 1, 1, "expected a declaration"),
    ("foo = 5\n", "E0115", 1, 1, "outside of a block"),
    ("region a {\n  x =\n}\n", "E0116", 3, 1, "missing value"),
    ("let x =\nregion a {}\n", "E0116", 2, 1, "missing value"),
    ("let x = [a b]\n", "E0118", 1, 12, "missing `,`"),
    ("region {\n}\n", "E0117", 1, 8, "missing name"),
    ("node a extends {}\n", "E0117", 1, 16, "missing name"),
    ("scenario s { foo = 1 }\n", "E0119", 1, 14, "target"),
    ("policy p { x = 1 }\n", "E0120", 1, 12, "policy"),
    ("import foo\n", "E0100", 1, 8, "quoted path"),
    ("let x = 5 kW MW\n", "E0100", 1, 14, "missing operator"),
    ("scenario s { region.a.pue 5 }\n", "E0106", 1, 27, "override"),
    ("settings {\n  horizon = 1 year,\n}\n", "E0100", 2, 19, "`,`"),
    ("objective = cost\n", "E0100", 1, 13, "minimize"),
    ("region a {\n  x == 5\n}\n", "E0106", 2, 3, "missing `=`"),
    ("let x = " + "(" * 3000 + "1" + ")" * 3000 + "\n", "E0004", 1, 1009, "nesting too deep"),
]


@pytest.mark.parametrize("text,code,line,col,words", CASES,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_syntax_error(text, code, line, col, words):
    module, diags = parse(text, "t.spec")
    assert module is None
    first = diags[0]
    assert (first.code, first.span.line, first.span.col) == (code, line, col), render(first)
    assert words in first.message
    assert first.help and first.labels[0].text
    assert first.span.path == "t.spec"


def test_at_least_twenty_distinct_cases():
    assert len({c[0] for c in CASES}) >= 20 and len({c[1] for c in CASES}) >= 15


def test_unclosed_brace_points_at_opening_brace_too():
    _, (diag,) = parse("settings {\n  horizon = 1 year\n", "t.spec")
    assert diag.code == "E0107"
    assert [(lab.span.line, lab.span.col) for lab in diag.labels] == [(2, 19), (1, 10)]


def test_two_broken_declarations_give_two_errors():
    text = "region a { x = 1 }\nregion b { y 2 }\nregion c { z = 3 }\nnode d { w = }\n"
    _, diags = parse(text, "t.spec")
    assert [(d.code, d.span.line) for d in diags] == [("E0106", 2), ("E0116", 4)]


def test_errors_are_sorted_and_capped():
    text = "".join(f"region r{i} {{ x 1 }}\n" for i in range(80))
    _, diags = parse(text, "t.spec")
    lines = [d.span.line for d in diags]
    assert lines == sorted(lines) and 10 < len(lines) <= 50


def test_lexer_and_value_errors_are_collected_together():
    _, diags = parse("let a = 1e999\nlet b = 2e999\nlet c = @\n", "t.spec")
    assert [(d.code, d.span.line) for d in diags] == [("E0104", 1), ("E0104", 2), ("E0101", 3)]


def test_control_characters_are_escaped_in_messages():
    _, diags = parse("let x\x1b[2J = 1\n", "t.spec")
    assert diags and all("\x1b" not in d.message for d in diags)


def test_long_tokens_are_truncated_in_messages():
    _, diags = parse("x" * 10_000 + " y\n", "t.spec")
    assert len(diags[0].message) < 200


# ----------------------------------------------------------------- sources


def test_read_source_missing_file(tmp_path):
    with pytest.raises(CompileError) as info:
        read_source(str(tmp_path / "nope.spec"))
    assert info.value.diagnostics[0].code == "E0001"
    assert "nope.spec" in info.value.diagnostics[0].message


def test_read_source_directory(tmp_path):
    with pytest.raises(CompileError) as info:
        read_source(str(tmp_path))
    assert info.value.diagnostics[0].code == "E0001"


def test_read_source_size_limit(tmp_path):
    path = tmp_path / "big.spec"
    path.write_text("# " + "x" * 200 + "\n")
    with pytest.raises(CompileError) as info:
        read_source(str(path), max_bytes=100)
    diag = info.value.diagnostics[0]
    assert diag.code == "E0002" and "203" in diag.message and "100" in diag.message
    assert "--max-bytes" in diag.help
    assert read_source(str(path), max_bytes=1000).startswith("# x")


def test_read_source_non_utf8(tmp_path):
    path = tmp_path / "latin1.spec"
    path.write_bytes("let a = 1\nlet b = \"caf\xe9\"\n".encode("latin-1"))
    with pytest.raises(CompileError) as info:
        read_source(str(path))
    diag = info.value.diagnostics[0]
    assert diag.code == "E0003" and (diag.span.line, diag.span.col) == (2, 13)


def test_read_source_nul_byte(tmp_path):
    path = tmp_path / "bin.spec"
    path.write_bytes("region 贵州 {\r\n  x = \x00\n".encode())
    with pytest.raises(CompileError) as info:
        read_source(str(path))
    diag = info.value.diagnostics[0]
    assert diag.code == "E0003" and (diag.span.line, diag.span.col) == (2, 7)
    assert "NUL" in diag.message


def test_read_source_bom_and_newlines(tmp_path):
    path = tmp_path / "win.spec"
    path.write_bytes(b"\xef\xbb\xbflet a = 1\r\nlet b = 2\rlet c = 3\n")
    text, raw = load_source(str(path))
    assert text == "let a = 1\nlet b = 2\nlet c = 3\n" and raw.startswith("\ufeff")
    assert parse(text, "win.spec")[0].statements[2].span.line == 3


def test_a_classifier_bug_degrades_to_a_plain_syntax_error(monkeypatch):
    import suanli.grammar.errors as errors_module

    def broken(*args):
        raise KeyError("bug")

    monkeypatch.setattr(errors_module, "describe_error", broken)  # the parser imports it on first error
    module, (diag,) = parse("region a { x 1 }", "t.spec")
    assert module is None and diag.code == "E0100" and (diag.span.line, diag.span.col) == (1, 12)
