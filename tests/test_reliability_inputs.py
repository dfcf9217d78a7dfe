"""Hostile or odd inputs: deep import chains, symlink loops, and plan files
that are huge, nested, stringly-typed or hand-edited (solver/plan_input.py,
solver/verify_reported.py). Each is exit 2 (or 1 for a plan whose numbers
were changed) with a clear message, never exit 70."""

import json
import os

import pytest

from clirun import ROOT, suanli

SPEC = ROOT / "specs" / "east-west.spec"
ASSERT_FAIL = ROOT / "tests" / "fixtures" / "ci" / "assert_fail.spec"


@pytest.fixture(scope="module")
def plan_text():
    r = suanli("solve", SPEC, "--format", "json")
    assert r.returncode == 0, r.stderr
    return r.stdout


def _verify(tmp_path, text, spec=SPEC):
    path = tmp_path / "plan.json"
    path.write_text(text)
    return suanli("verify", spec, path)


def test_an_import_chain_600_deep_compiles(tmp_path):
    n = 600
    for i in range(n):
        head = f'import "f{i + 1}.spec"\n' if i < n - 1 else ""
        (tmp_path / f"f{i}.spec").write_text(head + f"let c{i} = {i} MW\n")
    r = suanli("check", tmp_path / "f0.spec")
    assert r.returncode == 0 and "RecursionError" not in r.stderr, r.stderr[-500:]


def test_a_symlink_loop_in_imports_is_named_as_such(tmp_path):
    (tmp_path / "a.spec").symlink_to(tmp_path / "b.spec")
    (tmp_path / "b.spec").symlink_to(tmp_path / "a.spec")
    (tmp_path / "root.spec").write_text('import "a.spec"\n')
    r = suanli("check", tmp_path / "root.spec")
    assert r.returncode == 2 and "E0205" in r.stderr and "symlink loop" in r.stderr, r.stderr
    assert "not found" not in r.stderr


@pytest.mark.parametrize("edit,needle", [
    (lambda d: d["regions"][0]["nodes"].update({k: 10 ** 400 for k in d["regions"][0]["nodes"]}), "out of range"),
    (lambda d: d["regions"][0].update({"power_mw": "1e999"}), "out of range"),
    (lambda d: d["regions"][0]["nodes"].update({k: str(v) for k, v in d["regions"][0]["nodes"].items()}),
     "valid integer"),
])
def test_verify_rejects_out_of_range_and_string_numbers(tmp_path, plan_text, edit, needle):
    doc = json.loads(plan_text)
    edit(doc)
    text = json.dumps(doc).replace('"1e999"', "1e999")  # json.dumps cannot write 1e999 itself
    r = _verify(tmp_path, text)
    assert r.returncode == 2 and needle in r.stderr, r.stderr
    assert "internal error" not in r.stderr


def test_verify_rejects_deeply_nested_json(tmp_path):
    r = _verify(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert r.returncode == 2 and "nested" in r.stderr, r.stderr


def test_verify_of_an_empty_object_names_the_missing_fields(tmp_path):
    r = _verify(tmp_path, "{}")
    assert r.returncode == 2, r.stderr
    for field in ("status", "spec", "solver", "objective", "currency", "horizon_h", "cost"):
        assert field in r.stderr


def test_verify_rejects_changed_link_traffic(tmp_path, plan_text):
    doc = json.loads(plan_text)
    link = next(l for l in doc["links"] if l["traffic_ab_gbps"] > 0 or l["traffic_ba_gbps"] > 0)
    key = "traffic_ab_gbps" if link["traffic_ab_gbps"] > 0 else "traffic_ba_gbps"
    link[key] = link[key] / 2
    r = _verify(tmp_path, json.dumps(doc))
    assert r.returncode == 1 and key in r.stdout, r.stdout


def test_verify_rejects_a_changed_require_value(tmp_path, plan_text):
    doc = json.loads(plan_text)
    doc["requires"][0]["value"] = doc["requires"][0]["value"] * 2 + 1
    r = _verify(tmp_path, json.dumps(doc))
    assert r.returncode == 1 and f"require {doc['requires'][0]['name']}: value" in r.stdout, r.stdout


def test_verify_rejects_an_assert_flipped_to_passed(tmp_path):
    r = suanli("solve", ASSERT_FAIL, "--format", "json")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    failing = next(a for a in doc["asserts"] if a["passed"] is False)
    failing["passed"] = True
    v = _verify(tmp_path, json.dumps(doc), ASSERT_FAIL)
    assert v.returncode == 1 and f"assert {failing['name']}: passed" in v.stdout, v.stdout
