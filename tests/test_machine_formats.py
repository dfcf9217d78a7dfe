"""Stdout is ours: every command x every machine format parses with a real parser.

A solver library that prints (highspy 1.16's banner from `Highs()`, CBC's
log) corrupts these documents; each is parsed whole, so one stray byte on
stdout fails the test. Runs on whatever dependency versions are installed
(the README's install brings the newest in the pyproject windows).
"""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt

from clirun import ROOT, suanli

SPEC = "specs/east-west.spec"
INFEASIBLE = "tests/fixtures/east-west-infeasible.spec"
WARNING = "tests/fixtures/ci/warning.spec"
SARIF_SCHEMA = json.loads((ROOT / "tests/fixtures/ci/sarif-schema-2.1.0.json").read_text())
# the GitHub workflow-command grammar: ::level key=value,...::message (values %-escaped)
_PROP = r"(?:file|line|col|endLine|endColumn|title)=[^,:]*"
ANNOTATION = re.compile(rf"^::(error|warning|notice)(?: {_PROP}(?:,{_PROP})*)?::[^\r\n]*$")


def parse_json(out: str):
    return json.loads(out)


def parse_junit(out: str):
    root = ET.fromstring(out)
    assert root.tag in ("testsuites", "testsuite")
    assert root.iter("testcase"), out
    return root


def parse_sarif(out: str):
    doc = json.loads(out)
    jsonschema.validate(doc, SARIF_SCHEMA)
    assert doc["runs"][0]["tool"]["driver"]["name"] == "suanli"
    return doc


def parse_github(out: str):
    lines = out.splitlines()
    assert lines, "no annotation printed"
    for line in lines:
        assert ANNOTATION.match(line), f"not a workflow command: {line!r}"
    return lines


def parse_markdown(out: str):
    tokens = MarkdownIt().parse(out)
    assert tokens[0].type == "heading_open", out[:200]
    assert "Running HiGHS" not in out and "Copyright" not in out
    return tokens


PARSERS = {"json": parse_json, "junit": parse_junit, "sarif": parse_sarif,
           "github": parse_github, "markdown": parse_markdown}


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("fmt", ["json", "junit", "sarif", "github", "markdown"])
def test_solve_stdout_parses(fmt, solver):
    r = suanli("solve", SPEC, "--format", fmt, "--solver", solver)
    assert r.returncode == 0, r.stderr
    PARSERS[fmt](r.stdout)
    if fmt == "json":
        assert json.loads(r.stdout)["status"] == "optimal"


def test_explain_json_parses():
    r = suanli("explain", INFEASIBLE, "--format", "json")
    assert r.returncode == 3, r.stderr
    doc = json.loads(r.stdout)
    assert doc["infeasibility"][0]["shortfall"] > 0


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_diff_specs_json_parses(solver):
    r = suanli("diff", SPEC, SPEC, "--format", "json", "--solver", solver)
    assert r.returncode == 0, r.stderr
    assert isinstance(json.loads(r.stdout), dict)


@pytest.mark.parametrize("fmt", ["json", "junit", "sarif", "github"])
def test_check_stdout_parses(fmt):
    r = suanli("check", WARNING, "--format", fmt)
    assert r.returncode == 0, r.stderr
    PARSERS[fmt](r.stdout)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_solve_then_verify_pipeline(tmp_path, solver):
    """The README pipeline: `suanli solve X --format json > plan.json && suanli verify X plan.json`."""
    plan = tmp_path / "plan.json"
    r = suanli("solve", SPEC, "--format", "json", "--solver", solver)
    assert r.returncode == 0, r.stderr
    plan.write_text(r.stdout)
    v = suanli("verify", SPEC, plan)
    assert v.returncode == 0, v.stderr
