"""The compiler: the passes, in order, from a root spec path to the typed IR.

`PASSES` run once per compile; `PERIOD_PASSES` compile one planning period and
run once for a single-period spec, or once per year of a multi-year one
(compile_years.py joins the years). Each pass is `pass_(state, diags) -> state`
over one CompileState (state.py), in its own module and named after what it does.

Every pass adds to one DiagnosticBag and goes on where it can, so `check`
reports every error of a file at once. `compile_spec` returns the program (or
None) with every diagnostic and the source texts needed to render them.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

from suanli.compiler import ir
from suanli.compiler.ai_sizing import ai_sizing
from suanli.compiler.allowed_regions import allowed_regions
from suanli.compiler.apply_scenario import apply_scenario
from suanli.compiler.backups import backups
from suanli.compiler.build_entities import build_entities
from suanli.compiler.collect_names import collect_names
from suanli.compiler.compile_years import compile_years
from suanli.compiler.compute_paths import find_paths
from suanli.compiler.domain_checks import check_hosts, region_warnings, unused_node_warnings
from suanli.compiler.emit_ir import emit_ir
from suanli.compiler.expand_statements import expand_statements
from suanli.compiler.near_metric import ARG_PATH, attach_near_metric
from suanli.compiler.resolve_imports import DEFAULT_MAX_BYTES, resolve_imports
from suanli.compiler.robust_setting import robust_setting
from suanli.compiler.size_jobs import size_jobs
from suanli.compiler.state import CompileState, run_passes
from suanli.compiler.years import forbid_year_overrides, read_years
from suanli.diagnostics import CompileError, Diagnostic, DiagnosticBag
from suanli.stopwatch import SILENT, Stopwatch


@dataclass
class CompileResult:
    program: ir.Program | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.program is not None


def compile_spec(path: str, scenario: str | None = None, overrides=(),
                 max_bytes: int = DEFAULT_MAX_BYTES, watch: Stopwatch = SILENT,
                 near: str | None = None, *, text: str | None = None,
                 base: str | None = None) -> CompileResult:
    """`near`: the METRIC text of `solve --near-optimal` (compiled into `Program.near_metric`).
    `text`: compile this spec text, named `path` and standing in directory `base`
    (default the working directory) for its imports, instead of a file.

    The cyclic garbage collector is paused while compiling: a large spec builds millions
    of long-lived objects (AST, entities, Fractions) and almost no cycles, and the
    generational collector rescans them over and over (about 40% of `check` on a
    100,000-link spec). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _compile(CompileState(path, scenario, tuple(overrides), near, max_bytes, text, base, watch))
    finally:
        if enabled:
            gc.enable()


def read_sources(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """Read and parse the root file and its imports; nothing more when any failed."""
    sources = state.sources = resolve_imports(state.path, diags, state.max_bytes, text=state.text,
                                              base=state.base)
    state.watch.lap("read_parse", f"read and parsed {len(sources.texts)} file(s), "
                    f"{sum(len(t) for t in sources.texts.values()):,} characters")
    state.stop = diags.has_errors or not sources.modules
    return state


def name_declarations(state: CompileState, diags: DiagnosticBag) -> CompileState:
    state.decls = collect_names(state.sources.modules, diags)
    return state


def year_axis(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """`settings.years` (§8); multi-year syntax without it leaves no single period to compile."""
    before = len(diags.errors())
    state.axis = read_years(state.decls, diags)
    state.single_period = state.axis is None and len(diags.errors()) == before
    return state


def scenario_overrides(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """The selected scenario's and `--set` overrides (compile_years reads its own, per year)."""
    if state.single_period:
        state.overrides = apply_scenario(state.decls, state.scenario, list(state.sets), diags)
    return state


def compile_periods(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """The program: PERIOD_PASSES once, or once a year joined by compile_years."""
    if state.axis is not None:
        state.program = compile_years(state, diags, lambda year: run_passes(PERIOD_PASSES, year, diags))
    elif state.single_period:
        before = len(diags.errors())
        forbid_year_overrides(state.overrides, diags)
        if len(diags.errors()) == before:  # a schedule cannot be evaluated as one value
            state = run_passes(PERIOD_PASSES, state, diags)
    return state


def robust_scenarios(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """§10: settings { robust = [A, B] } into the program's settings."""
    if state.near is not None:
        state.sources.texts[ARG_PATH] = state.near  # so its diagnostics show the argument with a caret
    robust = robust_setting(state.decls, state.overrides, None, diags)
    program = state.program
    if program is not None and robust:
        state.program = program.model_copy(update={"settings": program.settings.model_copy(update={"robust": robust})})
    return state


PASSES = (read_sources, name_declarations, year_axis, scenario_overrides, compile_periods, robust_scenarios)

PERIOD_PASSES = (build_entities, ai_sizing, find_paths, allowed_regions, check_hosts, backups, size_jobs,
                 region_warnings, expand_statements, unused_node_warnings, attach_near_metric, emit_ir)


def _compile(state: CompileState) -> CompileResult:
    diags = DiagnosticBag()
    state = run_passes(PASSES, state, diags)
    program = state.program
    if program is not None:
        state.watch.lap("compile", f"compiled: {len(program.regions)} regions, {len(program.node_types)} node "
                        f"types, {len(program.services)} demands, {len(program.jobs)} jobs")
    return CompileResult(None if diags.has_errors else program, diags.sorted(), state.sources.texts)


def load(path: str, scenario: str | None = None, overrides=(),
         max_bytes: int = DEFAULT_MAX_BYTES, watch: Stopwatch = SILENT, near: str | None = None, *,
         text: str | None = None, base: str | None = None) -> ir.Program:
    """Compile a spec to the IR or raise CompileError with every diagnostic."""
    result = compile_spec(path, scenario, overrides, max_bytes, watch, near, text=text, base=base)
    if result.program is None:
        error = CompileError(result.diagnostics)
        error.sources = result.sources  # type: ignore[attr-defined]
        raise error
    return result.program
