"""Every command prints a spec's diagnostics the same way (cli_common.print_diagnostics,
their one home): the block `suanli check` prints, with `file:line:col` and the source line,
exit 2. Run from the command line as a user runs them."""

import re
from pathlib import Path

import pytest
from clirun import ROOT, suanli

NAME_ERROR = "region east {\n  power_price = 0.3 CNY/kWh\n  pue = oops\n}\n"  # parses, does not compile
SYNTAX_ERROR = "region east {\n  power_price = 0.3 CNY/kWh\n  pue = \n}\n"  # does not parse


def check_block(spec: Path) -> str:
    """What `check` prints for the spec, without its summary line."""
    result = suanli("check", spec)
    assert result.returncode == 2
    block = result.stderr.rsplit("\n1 file(s) checked:", 1)[0]
    assert f"--> {spec}:" in block and "  | " in block  # the place and the source line
    return block


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("diags")
    (folder / "name.spec").write_text(NAME_ERROR, encoding="utf-8")
    (folder / "syntax.spec").write_text(SYNTAX_ERROR, encoding="utf-8")
    plan = folder / "plan.json"
    assert suanli("solve", ROOT / "specs" / "features.spec", "-o", plan).returncode == 0
    return folder, plan


COMPILING = [["solve"], ["solve", "--robust", "base"], ["solve", "--format", "table"], ["explain"], ["report"],
             ["diff", "SPEC"], ["verify", "PLAN"], ["sweep", "--samples", "2"]]


@pytest.mark.parametrize("command", COMPILING, ids=" ".join)
def test_a_spec_that_does_not_compile_prints_checks_block(specs, command):
    folder, plan = specs
    spec = folder / "name.spec"
    args = [command[0], spec] + [{"SPEC": spec, "PLAN": plan}.get(a, a) for a in command[1:]]
    result = suanli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(check_block(spec) + "\n")
    assert "error[E0401]" not in result.stdout  # stdout: only the asked document (a json error, or nothing)


@pytest.mark.parametrize("command", [["fmt", "--check"], ["sweep"], ["solve"]], ids=" ".join)
def test_a_spec_that_does_not_parse_prints_checks_block(specs, command):
    folder, _ = specs
    spec = folder / "syntax.spec"
    result = suanli(command[0], spec, *command[1:])
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(check_block(spec) + "\n")


def test_diagnostics_are_rendered_in_one_place():
    """Commands print diagnostics through cli_common.print_diagnostics, not their own render_all."""
    src = ROOT / "src" / "suanli"
    rendering = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                       if re.search(r"\brender_all\(", p.read_text(encoding="utf-8")))
    assert rendering == ["cli_common.py", "diagnostics.py"]
