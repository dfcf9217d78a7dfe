"""The Python API: `solve`, `check`, `verify`, `explain`, `diff` (docs/python.md).

The CLI is a thin layer over these functions: each command parses its
arguments, calls one of them and hands the result to a format. Nothing here
prints, exits or writes to file descriptors 1 and 2 (solver objects come from
`suanli.solver.quiet`); failures are exceptions from `suanli.errors`.

A `spec` argument is a path (an `os.PathLike`, or a str naming an existing
file or ending in `.spec`) or the text of a spec. Text is compiled as a file
named `<spec>` standing in `base` (default: the working directory), which its
`import`s resolve against.
"""

from __future__ import annotations

import json
import os
import time
from typing import Optional, Sequence, Union

from suanli.diagnostics import CompileError, Diagnostic
from suanli.errors import Explanation, Infeasible, NoPlan
from suanli.status import has_solution
from suanli.stopwatch import SILENT, Stopwatch
from suanli.tolerances import DEFAULT_GAP

SpecLike = Union[str, os.PathLike]
TEXT_NAME = "<spec>"  # how spec text is named in diagnostics and in plan.spec
SOLVERS = ("highs", "cbc")
LP_MODES = ("auto", "full", "columns")  # solve(lp=...): how LP relaxations are solved

__all__ = ["solve", "check", "verify", "explain", "diff", "report_html", "load", "read_plan", "is_plan_file",
           "SpecFile", "Violation"]


class Violation(str):
    """One way a plan breaks its spec, as a sentence in spec terms."""


class SpecFile(os.PathLike):
    """A path taken exactly as written (the CLI's file arguments): never read
    as spec text, and not normalised as `pathlib.Path` would (`./a.spec`
    stays `./a.spec` in diagnostics and in `plan.spec`)."""

    def __init__(self, path: str):
        self.path = path

    def __fspath__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return f"SpecFile({self.path!r})"


# ====================================================================== specs


def spec_source(spec: SpecLike) -> tuple[str, Optional[str]]:
    """(path, None) for a spec file, (TEXT_NAME, text) for spec text."""
    if isinstance(spec, os.PathLike):
        return os.fspath(spec), None
    if not isinstance(spec, str):
        raise TypeError(f"a spec is a path or the text of a spec, not {type(spec).__name__}")
    if "\n" not in spec and (spec.strip().endswith(".spec") or os.path.isfile(spec)):
        return spec, None
    return TEXT_NAME, spec


def _compile(spec: SpecLike, scenario, overrides, max_bytes, base, watch, near=None):
    from suanli.compiler.pipeline import compile_spec

    path, text = spec_source(spec)
    kw = {} if max_bytes is None else {"max_bytes": max_bytes}
    return compile_spec(path, scenario, tuple(overrides), watch=watch, near=near, text=text, base=base, **kw)


def load(spec: SpecLike, *, scenario: Optional[str] = None, overrides: Sequence[str] = (),
         max_bytes: Optional[int] = None, base: Optional[str] = None, stopwatch: Stopwatch = SILENT,
         near: Optional[str] = None):
    """The compiled IR (`suanli.compiler.ir.Program`); CompileError with every diagnostic.
    `near`: a metric expression for near-optimal ranges (`solve --near-optimal`)."""
    result = _compile(spec, scenario, overrides, max_bytes, base, stopwatch, near)
    if result.program is None:
        error = CompileError(_with_sources(result.diagnostics, result.sources))
        error.sources = result.sources
        error.args = (_errors_text(error.diagnostics),)
        raise error
    return result.program


def _errors_text(diags: list[Diagnostic], shown: int = 3) -> str:
    """The first errors rendered as `suanli check` shows them (a traceback's last line)."""
    errors = [d for d in diags if d.severity.value == "error"]
    more = f"\n\n... and {len(errors) - shown} more error(s)" if len(errors) > shown else ""
    return f"{len(errors)} error(s)\n" + "\n\n".join(str(d) for d in errors[:shown]) + more


def _with_sources(diags, sources) -> list[Diagnostic]:
    from dataclasses import replace

    return [replace(d, sources=sources) for d in diags]


class CheckResult(list):
    """`check`'s answer: the diagnostics (a list, so `== []` means clean), plus the
    compiled `program` (None when there are errors) and the `sources` read (path -> text)."""

    def __init__(self, diagnostics, program=None, sources=None):
        super().__init__(diagnostics)
        self.program = program
        self.sources = dict(sources or {})

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.severity.value == "error"]


def check(spec: SpecLike, *, scenario: Optional[str] = None, overrides: Sequence[str] = (),
          max_bytes: Optional[int] = None, base: Optional[str] = None) -> CheckResult:
    """Every diagnostic (errors and warnings) of `spec`, sorted; [] when clean.
    `str(d)` renders one as `suanli check` does, with its source lines."""
    result = _compile(spec, scenario, overrides, max_bytes, base, SILENT)
    return CheckResult(_with_sources(result.diagnostics, result.sources), result.program, result.sources)


# ====================================================================== solve


def solve(spec: SpecLike, *, scenario: Optional[str] = None, overrides: Sequence[str] = (),
          solver: str = "highs", time_limit: Optional[float] = None, gap: Optional[float] = None,
          relax: bool = False, threads: int = 1, base: Optional[str] = None,
          max_bytes: Optional[int] = None, tie_break: bool = True, write_lp: Optional[str] = None,
          write_mps: Optional[str] = None, progress: bool = False, stopwatch: Stopwatch = SILENT,
          started: Optional[float] = None, near_request=None, start_plan=None, lp: str = "auto"):
    """Compile, solve and verify `spec`; return its `Plan` (what `suanli solve` prints).

    `spec` may also be a compiled program (`suanli.api.load`); the compile
    options then do not apply.
    Options are `suanli solve`'s. Raises CompileError (`.diagnostics`),
    Infeasible (`.explanation`, `.plan`), NoPlan (time limit, unbounded, solver
    failure or failed verification; `.plan`, `.violations`); ValueError for a
    bad option; OSError when `write_lp` / `write_mps` cannot be written. A plan
    whose mandatory asserts fail is returned: `plan.asserts_hold` is False.
    `progress=True` lets the solver report progress on stderr (the CLI's
    `--progress`); `stopwatch` times the stages. `time_limit` counts from
    `started` (a `time.perf_counter()` instant; default: this call), so
    compiling counts against it too. `near_request` (a
    `suanli.solver.near_optimal.NearRequest`, with a program compiled with
    `near=`) adds near-optimal ranges and alternatives (`--near-optimal`).
    `start_plan` (a Plan or its JSON dict, e.g. the base branch's plan) is
    repaired to this spec and starts the MIP (`--baseline`; solver/warm_start.py).
    `lp` ("auto", "full", "columns"; `--lp`) chooses how LP relaxations are solved:
    the full LP, or column generation over the placements (docs/solver.md).
    """
    from suanli.compiler.ir import Program
    from suanli.solver.solve import SolveConfig, solve_program

    config = SolveConfig(solver=solver, time_limit=time_limit, gap=DEFAULT_GAP if gap is None else gap,
                         threads=threads, relax=relax, write_lp=write_lp, write_mps=write_mps,
                         progress=progress, tie_break=tie_break,
                         started=time.perf_counter() if started is None else started,
                         start_plan=start_plan.model_dump(mode="json") if hasattr(start_plan, "model_dump")
                         else start_plan, lp=lp)
    _check_options(config)
    program = spec if isinstance(spec, Program) else load(
        spec, scenario=scenario, overrides=overrides, max_bytes=max_bytes, base=base, stopwatch=stopwatch)
    outcome = solve_program(program, config, stopwatch)
    if near_request is not None:
        from suanli.solver.near_solve import add_near_optimal

        outcome = add_near_optimal(program, outcome, config, near_request, stopwatch)
    return checked_plan(outcome)


def _check_options(config) -> None:
    if config.solver not in SOLVERS:
        raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, not {config.solver!r}")
    if config.time_limit is not None and not config.time_limit > 0:
        raise ValueError("time_limit must be a positive number of seconds")
    if not 0 <= config.gap < 1:
        raise ValueError("gap must be in [0, 1)")
    if int(config.threads) != config.threads or config.threads < 1:
        raise ValueError("threads must be a whole number, at least 1")
    if config.lp not in LP_MODES:
        raise ValueError(f"lp must be one of {', '.join(LP_MODES)}, not {config.lp!r}")
    if config.lp == "columns" and config.solver != "highs":
        raise ValueError("lp='columns' (column generation) needs the highs solver")


def checked_plan(outcome):
    """The outcome's plan, or Infeasible / NoPlan carrying the plan the CLI prints."""
    from suanli.solver.plan import PlanWarning

    plan = outcome.plan
    if plan.status == "infeasible":
        raise Infeasible(plan)
    if not has_solution(plan.status):
        raise NoPlan(f"no plan: {plan.message}", plan.status, plan)
    if outcome.violations:
        bad = plan.model_copy(update={
            "status": "error", "message": "the solver's answer failed independent verification",
            "objective": None, "warnings": plan.warnings + [PlanWarning(code="V001", message=v)
                                                            for v in outcome.violations]})
        raise NoPlan("the solver's answer failed verification; no plan is reported",
                     "error", bad, outcome.violations, unverified_plan=plan)
    return plan


# ====================================================================== verify, explain


def verify(spec: SpecLike, plan, *, scenario: Optional[str] = None, overrides: Sequence[str] = (),
           max_bytes: Optional[int] = None, base: Optional[str] = None) -> list[Violation]:
    """Re-check `plan` (a Plan, a plan JSON file or JSON text) against `spec`,
    independently of the solver; [] when it satisfies the spec. Raises
    InvalidPlan for an unreadable plan, CompileError for a bad spec."""
    from suanli.solver.plan import as_plan
    from suanli.solver.verify import verify as verify_program
    from suanli.solver.verify_near import verify_near

    plan = as_plan(plan)
    near = plan.near_optimal.metric if plan.near_optimal is not None else None  # re-evaluated on its plans
    program = load(spec, scenario=scenario, overrides=overrides, max_bytes=max_bytes, base=base, near=near)
    return [Violation(v) for v in verify_program(program, plan) + verify_near(program, plan)]


def explain(spec: SpecLike, *, scenario: Optional[str] = None, overrides: Sequence[str] = (),
            time_limit: Optional[float] = None, max_bytes: Optional[int] = None,
            base: Optional[str] = None) -> Explanation:
    """Why `spec` is infeasible: an Explanation (a list of shortfalls in spec
    units, empty and `.feasible` when the spec has a plan). Raises NoPlan when
    the solver cannot decide (time limit, unbounded, failure), CompileError."""
    from suanli.solver.backend import Status
    from suanli.solver.explain import explain_program

    from suanli.compiler.ir import Program

    if time_limit is not None and not time_limit > 0:
        raise ValueError("time_limit must be a positive number of seconds")
    program = spec if isinstance(spec, Program) else load(
        spec, scenario=scenario, overrides=overrides, max_bytes=max_bytes, base=base)
    status, items = explain_program(program, time_limit)
    explanation = Explanation(status.value, items)
    if status is not Status.INFEASIBLE and not status.has_solution:
        raise NoPlan(f"the solver could not decide feasibility ({status.value})", status.value)
    return explanation


# ====================================================================== plans and diffs


def read_plan(path):
    """The Plan in a JSON file; InvalidPlan (worded as the CLI says it) otherwise."""
    from suanli.solver.plan_input import read_plan as read

    return read(path)


def is_plan_file(path: str) -> bool:
    """A `.json` file, or any file whose first non-blank character is `{`."""
    if path.lower().endswith(".json"):
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"{")


def diff(old, new, *, max_increase: Union[float, str, None] = None, scenario: Optional[str] = None,
         overrides: Sequence[str] = (), solver: str = "highs", time_limit: Optional[float] = None,
         max_bytes: Optional[int] = None, base: Optional[str] = None):
    """What changed from `old` to `new` (`suanli.plan_diff.PlanDiff`): cost
    parts, nodes, placements, carbon, statements. Each side is a Plan, a plan
    JSON file or text, or a spec (path or text) that is solved first with the
    given options (an infeasible spec or one without a plan is compared as its
    plan with that status). `max_increase` (0.05 or "5%") sets `.budget`."""
    from suanli.plan_diff import diff_plans, parse_increase

    limit = parse_increase(max_increase) if isinstance(max_increase, str) else max_increase
    if time_limit is not None and not time_limit > 0:
        raise ValueError("time_limit must be a positive number of seconds")
    options = dict(scenario=scenario, overrides=overrides, solver=solver, time_limit=time_limit,
                   max_bytes=max_bytes, base=base)
    return diff_plans(plan_or_spec(old, options), plan_or_spec(new, options), limit)


def plan_or_spec(item, options: dict):
    """The plan `item` is or names, or the plan of solving the spec it is."""
    from suanli.solver.plan import Plan, as_plan

    if isinstance(item, Plan) or _is_plan_arg(item):
        return as_plan(item)
    try:
        return solve(item, **options)
    except (Infeasible, NoPlan) as exc:
        if exc.plan is None:
            raise
        return exc.plan


# ====================================================================== report

REPORT_MISSING = "HTML reports need {name}: pip install 'suanli[report]'"


def report_html(item, *, spec: Optional[SpecLike] = None, scenario: Optional[str] = None,
           overrides: Sequence[str] = (), solver: str = "highs", time_limit: Optional[float] = None,
           max_bytes: Optional[int] = None, base: Optional[str] = None) -> str:
    """The self-contained HTML page `suanli report` writes. `item` is a Plan, a plan
    JSON (file or text) or a spec, solved first with the given options; `spec` (for a
    plan; a spec item is its own) adds carbon intensity, power caps and labels. Needs
    `pip install 'suanli[report]'` (ImportError saying so otherwise)."""
    from suanli.solver.plan import Plan

    plan_report, context_from_program, ReportContext = _report_modules()
    if time_limit is not None and not time_limit > 0:
        raise ValueError("time_limit must be a positive number of seconds")
    compile_options = dict(scenario=scenario, overrides=overrides, max_bytes=max_bytes, base=base)
    plan = plan_or_spec(item, dict(compile_options, solver=solver, time_limit=time_limit))
    if spec is None and not isinstance(item, Plan) and not _is_plan_arg(item):
        spec = item
    context = context_from_program(load(spec, **compile_options)) if spec is not None else ReportContext()
    return plan_report(json.loads(plan.to_json()), context)


def _report_modules():
    try:
        import matplotlib  # noqa: F401
        import networkx  # noqa: F401
    except ImportError as exc:
        raise ImportError(REPORT_MISSING.format(name=exc.name), name=exc.name) from exc
    from suanli.report import plan_report
    from suanli.report.context import ReportContext, context_from_program

    return plan_report, context_from_program, ReportContext


def _is_plan_arg(item) -> bool:
    """A plan JSON file or JSON text (what `plan_or_spec` reads rather than solves)."""
    if isinstance(item, str) and item.lstrip("\ufeff \t\r\n").startswith("{"):
        return True
    return isinstance(item, (str, os.PathLike)) and "\n" not in os.fspath(item) and is_plan_file(os.fspath(item))
