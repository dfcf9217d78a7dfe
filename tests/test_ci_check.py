"""`suanli check --format junit|sarif|github`: diagnostics for CI, parsed with
real parsers (xml.etree; jsonschema against the official SARIF 2.1.0 schema;
the workflow-command grammar). Runs in-process: no solver, no start-up cost."""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import xml.etree.ElementTree as ET

import pytest

from clirun import ROOT

jsonschema = pytest.importorskip("jsonschema")

FIX = "tests/fixtures/ci"
FILES = [f"{FIX}/base.spec", f"{FIX}/warning.spec", f"{FIX}/invalid.spec"]
SARIF_SCHEMA = json.loads((ROOT / FIX / "sarif-schema-2.1.0.json").read_text())
ANNOTATION = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def check(*args, cwd=ROOT) -> tuple[int, str, str]:
    from suanli.cli import main

    out, err = io.StringIO(), io.StringIO()
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", *map(str, args)])
    finally:
        signal.signal(signal.SIGTERM, handler)
    return code, out.getvalue(), err.getvalue()


def sarif_errors(log: dict) -> list[str]:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def test_junit_one_suite_per_file():
    code, out, err = check(*FILES, "--format", "junit")
    assert code == 2 and "error[E0304]" in err  # the human rendering stays on stderr
    root = ET.fromstring(out.encode())
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == FILES
    assert [tc.get("name") for tc in suites[FILES[0]]] == ["compiles"]
    warn = [tc.get("name") for tc in suites[FILES[1]].iter("testcase")]
    assert warn == ["compiles", f"W0102 at {FIX}/warning.spec:54:5"]
    (case,) = suites[FILES[2]].iter("testcase")
    failure = case.find("failure")
    assert case.get("line") == "11" and failure.get("type") == "E0304"
    assert "power_cap expects power, got money/energy" in failure.get("message")
    assert "^^^^^^^^^^^ this is money/energy" in failure.text


def test_junit_clean_files_pass():
    code, out, _err = check(FILES[0], "--format", "junit")
    root = ET.fromstring(out.encode())
    assert code == 0 and root.get("failures") == "0" and root.get("tests") == "1"


def test_sarif_is_valid_with_locations():
    code, out, _err = check(*FILES, "--format", "sarif")
    log = json.loads(out)
    assert code == 2 and not sarif_errors(log)
    run = log["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 2}]
    assert run["columnKind"] == "unicodeCodePoints" and run["tool"]["driver"]["name"] == "suanli"
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"E0304", "W0102"}
    error, warning = by_rule["E0304"], by_rule["W0102"]
    assert (error["level"], warning["level"]) == ("error", "warning")
    loc = error["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": f"{FIX}/invalid.spec", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 11, "startColumn": 15, "endLine": 11, "endColumn": 26}
    assert "help: a power_cap looks like `60 MW`" in error["message"]["text"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    code, out, _err = check(FILES[0], "--format", "sarif")
    log = json.loads(out)
    assert code == 0 and not sarif_errors(log) and log["runs"][0]["results"] == []


def test_github_annotations_escape_and_locate():
    code, out, _err = check(*FILES, "--format", "github")
    lines = out.splitlines()
    parsed = [ANNOTATION.match(line) for line in lines]
    assert code == 2 and all(parsed), lines
    kinds = [m.group(1) for m in parsed]
    assert kinds == ["warning", "error", "notice"]
    props = dict(p.split("=", 1) for p in parsed[1].group(2).split(","))
    assert props == {"file": f"{FIX}/invalid.spec", "line": "11", "col": "15", "endColumn": "26",
                     "title": "E0304%3A unit mismatch%3A power_cap expects power%2C got money/energy"}
    assert parsed[1].group(3).endswith("%0Ahelp: a power_cap looks like `60 MW`")
    assert parsed[2].group(3) == "3 file(s) checked: 1 error(s), 1 warning(s)"


def test_diagnostics_in_imported_files_and_the_command_line(tmp_path):
    (tmp_path / "lib.spec").write_text("region a {\n  pue = 0.5\n}\n")
    (tmp_path / "root.spec").write_text('import "lib.spec"\n')
    code, out, _err = check("root.spec", "--format", "junit", cwd=tmp_path)
    root = ET.fromstring(out.encode())
    assert code == 2 and [s.get("name") for s in root.findall("testsuite")] == ["root.spec", "(other files)"]
    assert root.find("testsuite[2]/testcase/failure") is not None
    code, out, _err = check("root.spec", "--format", "sarif", "--scenario", "nope", cwd=tmp_path)
    assert code == 2 and not sarif_errors(json.loads(out))
    code, out, _err = check("root.spec", "--format", "github", "--scenario", "nope", cwd=tmp_path)
    assert code == 2 and all(ANNOTATION.match(line) for line in out.splitlines())
