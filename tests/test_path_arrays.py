"""The solver reads the IR's paths as arrays (solver/path_arrays.py), straight from the
compiler's PathTable: the same pair tables, and the same plans, as through `Path` objects."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from clirun import suanli

import suanli as api
from suanli.compiler.path_table import PathTable
from suanli.compiler.pipeline import compile_spec
from suanli.solver import path_arrays
from suanli.solver.index import Index

ROOT = Path(__file__).resolve().parent.parent

MESH = """\
settings { horizon = 1 year
  currency = CNY }
region a { }
region b { site_cost = 1e5 CNY }
region c { }
region d { }
region e { }
region lonely { }
link a -- b { latency = 1 ms; transfer_cost = 0.05 CNY/GB; bandwidth = 2 Gbps }
link b -- c { latency = 1 ms; transfer_cost = 0.01 CNY/GB; bandwidth = 1.9 Gbps }
link a -- c { latency = 3 ms; transfer_cost = 0.00 CNY/GB }
link c -- d { latency = 0.5 ms; transfer_cost = 0.03 CNY/GB }
link d -- e { latency = 0.5 ms; transfer_cost = 0.03 CNY/GB }
node box { class = general; compute = 1 TFLOPS; storage = 10 TB; power = 1 kW; capex = 1e4 CNY; regions = [c, d, e] }
demand w1 { class = general; compute = 3 TFLOPS; origin = a; traffic = 1.5 Gbps }
demand w2 { class = general; compute = 2 TFLOPS; storage = 5 TB; origin = b; traffic = 0.3 Gbps }
demand w3 { class = general; compute = 1 TFLOPS; origin = e; traffic = 0.1 Gbps; max_latency = 1 ms }
job j1 { class = general; work = 1e18 FLOP; deadline = 30 days; origin = d; data = 2 TB }
"""


def _netgen():
    spec = importlib.util.spec_from_file_location("bench_netgen", ROOT / "bench" / "netgen.py")
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["mesh", "example", "net"])
def spec_path(request, tmp_path):
    if request.param == "example":
        return ROOT / "specs" / "example.spec"
    path = tmp_path / f"{request.param}.spec"
    text = MESH if request.param == "mesh" else _netgen().generate_net(4, 30, seed=2)
    path.write_text(text, encoding="utf-8")
    return path


def _program(path):
    result = compile_spec(str(path))
    assert result.ok, [d.message for d in result.diagnostics]
    assert isinstance(result.program.paths, PathTable)
    return result.program


def test_pair_tables_from_the_path_table_equal_those_from_path_objects(spec_path):
    program = _program(spec_path)
    ix = Index(program)
    arrays, objects = path_arrays.pair_tables(ix), path_arrays._from_paths(ix, tuple(program.paths))
    for field in ("kappa", "latency", "edge_ptr", "edge_ids", "reached"):
        assert np.array_equal(getattr(arrays, field), getattr(objects, field)), field
    assert arrays.reached.any()


def test_index_path_reads_the_tables():
    program = _program_from_text(MESH)
    ix = Index(program)
    facts = ix.path("a", "e")  # a -> b (1 ms link) -> c -> d -> e
    assert facts.latency == pytest.approx(0.003) and len(facts.edges) == 4
    assert facts.cost == pytest.approx((0.05 + 0.01 + 0.03 + 0.03) / 1e9)
    assert ix.path(None, "c").edges == () and ix.path("c", "c").cost == 0.0
    with pytest.raises(KeyError):
        ix.path("a", "lonely")


def _program_from_text(text):
    result = api.check(text)
    assert not result, [str(d) for d in result]
    return result.program


def test_solve_plans_the_same_through_objects(tmp_path, monkeypatch):
    """`suanli solve` (arrays) prints the plan an in-process solve that reads every path
    as a `Path` object makes, byte for byte."""
    spec = tmp_path / "mesh.spec"
    spec.write_text(MESH, encoding="utf-8")
    run = suanli("solve", spec, "--format", "json")
    assert run.returncode == 0, run.stderr
    monkeypatch.setattr(path_arrays, "pair_tables", lambda ix: path_arrays._from_paths(ix, tuple(ix.program.paths)))
    plan = api.solve(spec)
    assert plan.to_json() == run.stdout.rstrip("\n") or plan.to_json() == run.stdout
    assert '"network"' in run.stdout and plan.cost.network > 0
