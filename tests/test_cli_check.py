"""`suanli check` from the command line: exit codes, rendering, JSON, no tracebacks."""

import json

import pytest

from clirun import ROOT, suanli


def test_clean_specs_exit_0():
    result = suanli("check", "specs/example.spec", "specs/east-west.spec", "specs/features.spec")
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stderr and result.stdout == ""


def test_error_exit_2_with_location_and_caret():
    result = suanli("check", "tests/golden/check/unit_mismatch_power_cap.spec")
    assert result.returncode == 2
    assert "error[E0304]: unit mismatch: power_cap expects power, got money/energy" in result.stderr
    assert "--> tests/golden/check/unit_mismatch_power_cap.spec:4:15" in result.stderr
    assert "^^^^^^^^^^^ this is money/energy" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_lists_every_diagnostic():
    result = suanli("check", "--format", "json", "tests/golden/check/serial_part_too_long.spec",
                    "specs/example.spec")
    assert result.returncode == 2
    payload = json.loads(result.stdout)
    assert payload["errors"] == 1 and len(payload["files"]) == 2
    diag = next(d for d in payload["diagnostics"] if d["severity"] == "error")
    assert (diag["code"], diag["line"], diag["column"]) == ("E0704", 9, 5)
    assert any("serial part alone" in note for note in diag["notes"])


@pytest.mark.parametrize("content,code", [
    (b"\x00\x01\x02binary", "E0003"), (b"region \xff\xfe {\n}\n", "E0003"),
])
def test_bad_bytes_are_diagnostics(tmp_path, content, code):
    path = tmp_path / "bad.spec"
    path.write_bytes(content)
    result = suanli("check", path)
    assert result.returncode == 2 and code in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_size_limit(tmp_path):
    assert suanli("check", tmp_path / "none.spec").returncode == 2
    big = tmp_path / "big.spec"
    big.write_text("# padding\n" * 1000)
    result = suanli("check", "--max-bytes", "500", big)
    assert result.returncode == 2 and "E0002" in result.stderr


def test_crlf_and_bom_keep_columns(tmp_path):
    path = tmp_path / "crlf.spec"
    path.write_bytes("\ufeffregion a {\r\n  pue = 0.5\r\n}\r\n".encode("utf-8"))
    result = suanli("check", path)
    assert result.returncode == 2 and f"{path}:2:9" in result.stderr


def test_scenario_and_set_on_the_command_line():
    ok = suanli("check", "specs/features.spec", "--scenario", "price_shock",
                "--set", "region.ningxia.pue=1.2")
    assert ok.returncode == 0, ok.stderr
    bad = suanli("check", "specs/features.spec", "--scenario", "price_shok")
    assert bad.returncode == 2 and "E0409" in bad.stderr and "price_shock" in bad.stderr
    bad_set = suanli("check", "specs/features.spec", "--set", "region.nowhere.pue=1.2")
    assert bad_set.returncode == 2 and "E0411" in bad_set.stderr


def test_bad_command_line_exits_2():
    assert suanli("check").returncode == 2
    assert suanli("frobnicate").returncode == 2
    assert suanli().returncode == 2


def test_every_spec_in_specs_checks_clean_and_is_formatted():
    specs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "specs").rglob("*.spec"))
    assert len(specs) >= 4
    roots = [s for s in specs if "/lib/" not in s]  # lib/ files are imported, not roots
    assert suanli("check", *roots).returncode == 0
    result = suanli("fmt", "--check", *specs)
    assert result.returncode == 0, result.stderr
