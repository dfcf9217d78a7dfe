"""Output formats have one home (suanli.formats): the registries are the --format
choices and the only dispatch, and `suanli check` loads nothing from the solver."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from clirun import ROOT, suanli
from suanli import cli
from suanli.formats import (DIAGNOSTIC_FORMATS, DIFF_FORMATS, EXPLAIN_FORMATS, PLAN_FORMATS, ROBUST_DIFF_FORMATS,
                            ROBUST_PLAN_FORMATS, SWEEP_FORMATS, Renderer)

REGISTRIES = {"PLAN_FORMATS": PLAN_FORMATS, "DIFF_FORMATS": DIFF_FORMATS,
              "DIAGNOSTIC_FORMATS": DIAGNOSTIC_FORMATS, "EXPLAIN_FORMATS": EXPLAIN_FORMATS,
              "SWEEP_FORMATS": SWEEP_FORMATS, "ROBUST_PLAN_FORMATS": ROBUST_PLAN_FORMATS,
              "ROBUST_DIFF_FORMATS": ROBUST_DIFF_FORMATS}

# run `suanli check` in this interpreter, then list the suanli.solver modules it loaded
CHECK_AND_LIST = """
import contextlib, io, json, sys
from suanli import cli
with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
    code = cli.main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m == "suanli.solver" or m.startswith("suanli.solver."))
print(json.dumps({"code": int(code), "solver": loaded, "stdout": out.getvalue()}))
"""


@pytest.mark.parametrize("fmt", list(DIAGNOSTIC_FORMATS))
@pytest.mark.parametrize("spec", ["specs/example.spec", "specs/hubs-2027.spec", "tests/fixtures/does-not-exist.spec"])
def test_check_loads_no_solver_module(spec, fmt):
    proc = subprocess.run([sys.executable, "-c", CHECK_AND_LIST, "check", spec, "--format", fmt], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["code"] == (2 if "does-not-exist" in spec else 0)
    assert result["solver"] == [], f"`suanli check --format {fmt}` imported {result['solver']}"
    if fmt == "json" and "hubs" in spec:
        assert "derived" in json.loads(result["stdout"])  # §9 sizes: rounded without the solver


def _choices(command: str) -> tuple:
    sub = next(a for a in cli.build_parser()._actions if a.dest == "command")
    action = next(a for a in sub.choices[command]._actions if a.dest == "format")
    return tuple(action.choices)


def test_registries_are_the_format_choices():
    assert _choices("solve") == tuple(PLAN_FORMATS) == ("table", "json", "markdown", "html", "junit", "sarif",
                                                         "github")
    assert _choices("diff") == tuple(DIFF_FORMATS) == ("table", "json", "markdown", "html")
    assert _choices("check") == tuple(DIAGNOSTIC_FORMATS) == ("text", "json", "junit", "sarif", "github")
    assert _choices("explain") == tuple(EXPLAIN_FORMATS) == ("text", "json")
    assert _choices("sweep") == tuple(SWEEP_FORMATS) == ("table", "json", "csv", "parquet")


@pytest.mark.parametrize("registry", list(REGISTRIES))
def test_every_renderer_names_a_function(registry):
    for name, renderer in REGISTRIES[registry].items():
        module = importlib.import_module(f"suanli.formats.{renderer.module}")
        assert callable(getattr(module, renderer.function, None)), f"{registry}[{name!r}]: {renderer}"


def test_a_new_format_is_one_registry_line(monkeypatch, tmp_path):
    """A format registered under a new name is a --format choice of solve and renders the plan."""
    monkeypatch.setitem(PLAN_FORMATS, "plain", Renderer("table", "plan"))
    monkeypatch.chdir(ROOT)
    out = tmp_path / "plan.txt"
    assert cli.main(["solve", "specs/example.spec", "--format", "plain", "-o", str(out)]) == 0
    table = suanli("solve", "specs/example.spec", "--format", "table")
    assert table.returncode == 0 and out.read_text(encoding="utf-8") == table.stdout


def test_an_unknown_format_is_exit_2_naming_the_choices():
    proc = suanli("check", "specs/example.spec", "--format", "yaml")
    assert proc.returncode == 2
    assert "invalid choice: 'yaml'" in proc.stderr and "'text', 'json', 'junit', 'sarif', 'github'" in proc.stderr
