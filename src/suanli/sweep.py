"""Sweeps (LANGUAGE.md §10): many independent cases of one spec, one row each.

A case is the base spec plus a scenario, `--set` overrides and (for a sampled
link cut) link declarations removed. `run_case` compiles and solves one case
exactly as `suanli solve --scenario S --set K=V ...` would (same SolveConfig,
same status and exit-code rules), and returns its row: a plain dict that
pickles cheaply to a worker pool or a Dask cluster.

The spec travels as a `SourceBundle`: the root text and every imported file,
resolved on the machine that starts the sweep, written into a private temp
directory on the worker and compiled there -- workers need suanli, not the
files.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Optional

from suanli.exitcodes import ExitCode
from suanli.status import has_solution
from suanli.tolerances import DEFAULT_GAP

# exit codes by how bad they are: the sweep exits with the worst case's code
SEVERITY = tuple(int(c) for c in (ExitCode.INTERNAL, ExitCode.INVALID, ExitCode.NO_PLAN, ExitCode.INFEASIBLE,
                                   ExitCode.ASSERT, ExitCode.OK))
COST_PARTS = ("total", "site", "capex", "opex", "energy", "network", "carbon")


@dataclass(frozen=True)
class SourceBundle:
    """A root spec and its imports: (path relative to the root's folder, text)."""

    root: str  # the root's display path (as given on the command line)
    files: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Case:
    name: str
    scenario: Optional[str] = None
    overrides: tuple[str, ...] = ()
    removed_links: tuple[tuple[str, str], ...] = ()
    description: str = ""


@dataclass(frozen=True)
class CaseOptions:
    """The `solve` options every case shares."""

    solver: str = "highs"
    time_limit: Optional[float] = None
    gap: float = DEFAULT_GAP
    relax: bool = False
    tie_break: bool = True
    max_bytes: Optional[int] = None


def worst_code(codes) -> int:
    """The sweep's exit code: 70 > 2 > 4 > 3 > 1 > 0 (an unknown code ranks first)."""
    rank = {code: i for i, code in enumerate(SEVERITY)}
    codes = list(codes) or [0]
    return min(codes, key=lambda c: rank.get(c, -1))


def bundle_sources(path: str, max_bytes: Optional[int] = None):
    """Read the root spec and its imports: (bundle or None on errors, diagnostics, parsed modules)."""
    from suanli.compiler.resolve_imports import DEFAULT_MAX_BYTES, resolve_imports
    from suanli.diagnostics import DiagnosticBag

    diags = DiagnosticBag()
    sources = resolve_imports(path, diags, max_bytes or DEFAULT_MAX_BYTES)
    if diags.has_errors or not sources.modules:
        return None, diags.sorted(), []
    folder = os.path.dirname(path) or "."
    files = tuple((os.path.relpath(display, folder) if display != path else os.path.basename(path), text)
                  for display, text in sources.texts.items())
    return SourceBundle(path, files), diags.sorted(), sources.modules


def _materialize(bundle: SourceBundle, folder: str, removed_links) -> str:
    """Write the bundle under `folder`; the root's path there."""
    root_name = os.path.basename(bundle.root)
    for rel, text in bundle.files:
        if rel == root_name and removed_links:
            from suanli.testing import _remove_links  # the perturbation's own edit

            text = _remove_links(text, removed_links)
        target = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as out:
            out.write(text)
    return os.path.join(folder, root_name)


def run_case(bundle: SourceBundle, case: Case, options: CaseOptions, scratch: Optional[str] = None) -> dict:
    """Compile and solve one case; its row (never raises for a case that fails). Temp files go
    under `scratch` when given (a pool's folder, removed by the parent even if a worker is killed)."""
    from suanli.solver.watchdog import owned_tempdir

    start = time.perf_counter()
    try:
        with owned_tempdir(scratch) as tmp:
            row = _solve_case(bundle, case, options, tmp)
    except Exception as exc:  # a broken case is a row, never a lost sweep
        row = _failed_row(case, "error", int(ExitCode.INTERNAL), f"internal error: {type(exc).__name__}: {exc}")
    row["solve_time_s"] = round(time.perf_counter() - start, 3)
    return row


def _solve_case(bundle: SourceBundle, case: Case, options: CaseOptions, tmp: str) -> dict:
    from suanli.compiler.pipeline import compile_spec
    from suanli.solver.solve import SolveConfig, solve_program

    root = _materialize(bundle, tmp, case.removed_links)
    kw = {"max_bytes": options.max_bytes} if options.max_bytes else {}
    result = compile_spec(root, case.scenario, case.overrides, **kw)
    if result.program is None:
        errors = [d for d in result.diagnostics if d.severity.value == "error"]
        message = "; ".join(f"{d.code}: {d.message}" for d in errors[:3])
        return _failed_row(case, "invalid", int(ExitCode.INVALID), message.replace(tmp + os.sep, ""))
    config = SolveConfig(solver=options.solver, time_limit=options.time_limit, gap=options.gap,
                         relax=options.relax, tie_break=options.tie_break)
    outcome = solve_program(result.program, config)
    return plan_row(case, *classify(outcome))


def classify(outcome) -> tuple:
    """(plan, exit code, message) by `suanli solve`'s rules (LANGUAGE.md §7): the plan
    `api.checked_plan` gives, so a row's plan is the one `solve` would print."""
    from suanli.api import checked_plan
    from suanli.errors import Infeasible, NoPlan

    try:
        plan = checked_plan(outcome)
    except Infeasible as exc:
        why = "; ".join(item.message for item in exc.plan.infeasibility[:3])
        return exc.plan, int(ExitCode.INFEASIBLE), exc.plan.message + (f": {why}" if why else "")
    except NoPlan as exc:
        return exc.plan, int(ExitCode.NO_PLAN), exc.plan.message or exc.plan.status
    failed = [a.name for a in plan.asserts if not a.passed and not a.advisory]
    if failed:
        return plan, int(ExitCode.ASSERT), "assert failed: " + ", ".join(failed)
    return plan, int(ExitCode.OK), ""


def plan_row(case: Case, plan, code: int, message: str) -> dict:
    has_plan = has_solution(plan.status)
    row = _failed_row(case, plan.status, code, message)
    row["objective_unit"] = plan.objective_unit
    row["currency"] = plan.currency
    if not has_plan:
        return row
    row["objective"] = plan.objective
    row["cost"] = {part: getattr(plan.cost, part) for part in COST_PARTS}
    row["carbon_tco2"] = plan.carbon_tco2
    row["nodes"] = {r.name: sum(r.nodes.values()) for r in plan.regions if r.nodes}
    row["asserts_failed"] = [a.name for a in plan.asserts if not a.passed and not a.advisory]
    return row


def _failed_row(case: Case, status: str, code: int, message: str) -> dict:
    return {"name": case.name, "scenario": case.scenario, "overrides": list(case.overrides)
            + [f"-link.{a}.{b}" for a, b in case.removed_links], "description": case.description,
            "status": status, "code": code, "objective": None, "objective_unit": "", "currency": "",
            "cost": {part: None for part in COST_PARTS}, "carbon_tco2": None, "nodes": {},
            "asserts_failed": [], "solve_time_s": None, "message": message}


@dataclass
class CasePlan:
    """What to sweep (see `cases`)."""

    scenarios: list[str] = field(default_factory=list)
    grid: list[tuple[str, list[str]]] = field(default_factory=list)
    sets: tuple[str, ...] = ()
    samples: list = field(default_factory=list)  # Perturbation objects


def cases(plan: CasePlan) -> list[Case]:
    """Each scenario of `plan.scenarios` (`base` = the base spec), in order, crossed with every
    grid point (the first --grid varies slowest); then the samples `sample-1`, ...

    Every case carries `--set` first, then its grid point (a later override wins).
    """
    import itertools

    out = []
    points = list(itertools.product(*[[f"{target}={v}" for v in values] for target, values in plan.grid]))
    for axis_name in dict.fromkeys(plan.scenarios):
        scenario = None if axis_name == "base" else axis_name
        for point in points:
            name = axis_name + ("[" + ",".join(point) + "]" if point else "")
            out.append(Case(name, scenario, plan.sets + tuple(point)))
    for i, p in enumerate(plan.samples, 1):
        out.append(Case(f"sample-{i}", None, plan.sets + tuple(p.overrides), tuple(p.removed_links),
                        p.description))
    return out
