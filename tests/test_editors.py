"""Editor files: `pygmentize -l suanli` colours specs (the entry point is installed),
the TextMate grammar knows every keyword, the VS Code extension starts `suanli lsp`."""

import json
import re
import subprocess
import sys

from clirun import ROOT

GRAMMAR = ROOT / "editors" / "suanli.tmLanguage.json"


def pygmentize(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pygments", *args], capture_output=True, text=True, timeout=120)


def test_pygmentize_colours_the_example_spec():
    done = pygmentize("-l", "suanli", "-f", "terminal", ROOT / "specs" / "example.spec")
    assert done.returncode == 0, done.stderr
    assert "\x1b[" in done.stdout and "beijing" in done.stdout


def test_pygments_tokens_are_the_expected_ones():
    done = pygmentize("-l", "suanli", "-f", "raw", ROOT / "specs" / "east-west.spec")
    assert done.returncode == 0, done.stderr
    tokens = set(re.findall(r"^(Token\.[\w.]+)\t'(.*)'$", done.stdout, re.M))
    for expected in [("Token.Keyword.Declaration", "region"), ("Token.Name.Class", "beijing"),
                     ("Token.Name.Attribute", "power_price"), ("Token.Literal.Number", "0.70"),
                     ("Token.Keyword.Type", "kWh"), ("Token.Keyword.Type", "CNY"),
                     ("Token.Name.Builtin", "compute"), ("Token.Keyword", "require")]:
        assert expected in tokens, expected
    assert "Token.Literal.String.Double\t'\"Beijing metro (" in done.stdout
    assert "Token.Error" not in done.stdout


def test_spec_files_are_found_by_file_name():
    done = pygmentize("-N", ROOT / "specs" / "example.spec")
    assert done.stdout.strip() == "suanli"


def test_textmate_grammar_covers_every_keyword_and_its_patterns_compile():
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source.suanli"
    keywords = set(re.findall(r'"([a-z_]+)"', (ROOT / "grammar" / "suanli.lark").read_text(encoding="utf-8")))
    text = GRAMMAR.read_text(encoding="utf-8")
    missing = [k for k in sorted(keywords) if not re.search(rf"[(|]{k}[|)]", text)]
    assert not missing, missing
    patterns = [v for v in _walk(grammar) if isinstance(v, str)]
    for pattern in patterns:
        re.compile(pattern)  # the subset used here means the same in Oniguruma and Python


def _walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end"):
                yield value
            else:
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def test_vscode_extension_starts_the_language_server():
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    assert package["contributes"]["languages"][0]["extensions"] == [".spec"]
    assert package["contributes"]["grammars"][0]["scopeName"] == "source.suanli"
    script = (ROOT / "editors" / "vscode" / package["main"]).read_text(encoding="utf-8")
    assert 'args: ["lsp"]' in script and "vscode-languageclient" in script
