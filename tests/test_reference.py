"""docs/reference.md covers what the compiler and command line know, and no user-facing
text points at a file users do not have."""

import ast
import re

from clirun import ROOT, suanli

REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text under the `### `title`` heading, up to the next heading of that level or above."""
    match = re.search(rf"^### `{re.escape(title)}`.*?$(.*?)(?=^##)", REFERENCE + "\n##", re.S | re.M)
    assert match, f"docs/reference.md has no section `{title}`"
    return match.group(1)


def test_every_property_has_a_row_in_its_declarations_table():
    from suanli.compiler.schema import SCHEMAS

    missing = [f"{kind}.{prop}" for kind, props in SCHEMAS.items() for prop in props
               if not re.search(rf"^\| `{re.escape(prop)}` \|", section(kind), re.M)]
    assert not missing, f"properties missing from docs/reference.md: {missing}"


def test_every_unit_and_currency_is_listed():
    from suanli.compiler import units

    missing = [name for name in units.all_unit_names() if f"`{name}`" not in REFERENCE]
    assert not missing, f"units missing from docs/reference.md: {missing}"


def test_every_metric_is_listed():
    from suanli.compiler.metrics import CALL_METRICS, NAMED_METRICS

    listed = set(re.findall(r"^\| `([\w.]+)", REFERENCE, re.M))
    missing = sorted(m for m in set(NAMED_METRICS) | set(CALL_METRICS) if m not in listed)
    assert not missing, f"metrics missing from docs/reference.md: {missing}"


def test_every_command_and_exit_code_is_documented():
    from suanli import cli
    from suanli.exitcodes import ExitCode

    for name in cli.COMMANDS:
        assert f"### `suanli {name}" in REFERENCE, name
    codes = {int(code) for code in ExitCode}
    table = REFERENCE[REFERENCE.index("## Exit codes"):]
    for code in codes:
        assert re.search(rf"^\| ({code}|\d+ / {code}|{code} / \d+) \|", table, re.M), code


def test_every_declaration_keyword_has_a_section():
    for kind in ("settings", "let", "import", "region", "node", "link", "demand", "job", "policy",
                 "objective", "scenario"):
        section(kind)


def _user_strings(path):
    """String constants that are not docstrings (help texts, messages)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


def test_no_message_or_help_points_at_language_md():
    sources = [p for folder in ("grammar", "compiler", "solver", "src") for p in (ROOT / folder).rglob("*.py")]
    offenders = [f"{p.relative_to(ROOT)}: {s!r}" for p in sources for s in _user_strings(p) if "LANGUAGE.md" in s]
    assert not offenders, offenders
    for args in (["--help"], ["solve", "--help"], ["check", "--help"], ["report", "--help"]):
        done = suanli(*args)
        assert "LANGUAGE.md" not in done.stdout + done.stderr


def test_unknown_unit_help_points_at_the_reference(tmp_path):
    spec = tmp_path / "bad.spec"
    spec.write_text("region r { power_cap = 3 zorkmids }\n", encoding="utf-8")
    done = suanli("check", spec)
    assert done.returncode == 2
    assert "units are listed in docs/reference.md#units" in done.stderr
