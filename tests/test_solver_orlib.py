"""OR-Library capacitated warehouse location: published optima reproduced
(a check against a benchmark nobody here wrote). Built from raw/capXX.txt
following /work/shared/orlib/README.md; the .spec files go through the
compiler when it is installed."""

from __future__ import annotations

import json

import pytest

from solver_fixtures import ORLIB, orlib_optimum, program_from_orlib_raw
from suanli.solver.backend import installed_backends
from suanli.solver.solve import SolveConfig, solve_program

MANIFEST = json.loads((ORLIB / "specs" / "manifest.json").read_text())


def test_the_benchmark_is_present():
    assert len(MANIFEST) == 37, "shared/orlib must sit beside the repository"


@pytest.mark.parametrize("entry", MANIFEST, ids=[m["file"] for m in MANIFEST])
def test_every_orlib_spec_reproduces_its_published_optimum(entry):
    """LANGUAGE.md semantics, compiled from the .spec text, against Beasley's optima."""
    from suanli.compiler.pipeline import load

    out = solve_program(load(str(ORLIB / "specs" / entry["file"])), SolveConfig(gap=1e-9))
    assert out.plan.status == "optimal" and out.violations == []
    # published optima are rounded to 3 decimals
    assert out.plan.objective == pytest.approx(entry["published_optimum"], rel=1e-9, abs=1e-3)


@pytest.mark.parametrize("name", ["cap41", "cap71", "cap101", "cap131"])
def test_published_optimum_highs(name):
    prog = program_from_orlib_raw(ORLIB / "raw" / f"{name}.txt")
    out = solve_program(prog, SolveConfig(gap=1e-9))
    assert out.plan.status == "optimal" and out.violations == []
    assert out.plan.objective == pytest.approx(orlib_optimum(name), rel=1e-6)


@pytest.mark.skipif("cbc" not in installed_backends(), reason="CBC not installed")
def test_published_optimum_cbc():
    prog = program_from_orlib_raw(ORLIB / "raw" / "cap41.txt")
    out = solve_program(prog, SolveConfig(solver="cbc", gap=1e-9))
    assert out.plan.objective == pytest.approx(orlib_optimum("cap41"), rel=1e-6)


def test_spec_file_matches_raw_file():
    """When the compiler exists, cap41.spec must lower to the same optimum."""
    compiler = pytest.importorskip("suanli.compiler.pipeline")
    prog = compiler.load(str(ORLIB / "specs" / "cap41.spec"))
    out = solve_program(prog, SolveConfig(gap=1e-9))
    manifest = json.loads((ORLIB / "specs" / "manifest.json").read_text())
    expected = next(m["published_optimum"] for m in manifest if m["file"] == "cap41.spec")
    assert out.plan.objective == pytest.approx(expected, rel=1e-6)
