"""The compiler: the passes, in order, from a root spec path to the typed IR.

    resolve_imports -> collect_names -> apply_scenario -> build_entities
    -> compute_paths / allowed_regions / size_jobs (emit_ir)
    -> expand_statements -> objective -> Program

Every pass adds to one DiagnosticBag and goes on where it can, so `check`
reports every error of a file at once. `compile_spec` returns the program (or
None) with every diagnostic and the source texts needed to render them.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

from suanli.compiler import ir
from suanli.compiler.apply_scenario import apply_scenario
from suanli.compiler.build_entities import build_entities
from suanli.compiler.collect_names import collect_names
from suanli.compiler.compile_years import compile_years
from suanli.compiler.emit_ir import (emit_jobs, emit_links, emit_nodes, emit_paths, emit_regions,
                                     emit_services, region_warnings, unused_node_warnings)
from suanli.compiler.expand_statements import StatementExpander, objective
from suanli.compiler.metrics import MetricEvaluator
from suanli.compiler.near_metric import ARG_PATH
from suanli.compiler.near_metric import near_metric as compile_near_metric
from suanli.compiler.resolve_imports import DEFAULT_MAX_BYTES, resolve_imports
from suanli.compiler.robust_setting import robust_setting
from suanli.compiler.years import forbid_year_overrides, read_years
from suanli.diagnostics import CompileError, Diagnostic, DiagnosticBag, Severity, Span, error
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
        return _compile(path, scenario, overrides, max_bytes, watch, near, text, base)
    finally:
        if enabled:
            gc.enable()


def _compile(path: str, scenario: str | None, overrides, max_bytes: int, watch: Stopwatch,
             near: str | None, text: str | None = None, base: str | None = None) -> CompileResult:
    diags = DiagnosticBag()
    sources = resolve_imports(path, diags, max_bytes, text=text, base=base)
    watch.lap("read_parse", f"read and parsed {len(sources.texts)} file(s), "
              f"{sum(len(t) for t in sources.texts.values()):,} characters")
    if diags.has_errors or not sources.modules:
        return CompileResult(None, diags.sorted(), sources.texts)
    decls = collect_names(sources.modules, diags)
    year_errors = len(diags.errors())
    override_map: dict = {}
    axis = read_years(decls, diags)
    if axis is not None:  # a multi-year build-out (LANGUAGE.md §8)
        program = compile_years(decls, axis, path, scenario, overrides, diags, _emit, near)
    elif len(diags.errors()) > year_errors:  # multi-year syntax without `years`: no further
        program = None
    else:
        override_map = apply_scenario(decls, scenario, list(overrides), diags)
        program = _single_period(decls, override_map, path, scenario, diags, near)
    if near is not None:
        sources.texts[ARG_PATH] = near  # so its diagnostics show the argument with a caret
    robust = robust_setting(decls, override_map, None, diags)
    if program is not None and robust:  # §10: settings { robust = [A, B] }
        program = program.model_copy(update={"settings": program.settings.model_copy(update={"robust": robust})})
    result = diags.sorted()
    if program is not None:
        watch.lap("compile", f"compiled: {len(program.regions)} regions, {len(program.node_types)} node types, "
                  f"{len(program.services)} demands, {len(program.jobs)} jobs")
    return CompileResult(None if diags.has_errors else program, result, sources.texts)


def _single_period(decls, override_map, path, scenario, diags: DiagnosticBag,
                   near: str | None = None) -> ir.Program | None:
    before = len(diags.errors())
    forbid_year_overrides(override_map, diags)
    if len(diags.errors()) > before:  # a schedule cannot be evaluated as one value
        return None
    world = build_entities(decls, override_map, diags)
    return _emit(world, decls, path, scenario, diags, near)


def _emit(world, decls, path, scenario, diags: DiagnosticBag, near: str | None = None) -> ir.Program | None:
    currency = world.currency.code
    settings = ir.Settings(horizon=float(world.horizon), currency=currency,
                           utilization=float(world.utilization), carbon_price=float(world.carbon_price))
    regions, nodes, links = emit_regions(world), emit_nodes(world), emit_links(world)
    paths, flat_paths = emit_paths(world)
    services = emit_services(world, paths, diags)
    jobs = emit_jobs(world, paths, diags)
    region_warnings(world, diags)
    metrics = MetricEvaluator(world.lets, world.namespace, world.evaluator, diags)
    expander = StatementExpander(metrics, world, diags, currency)
    for stmt, policy in decls.statements:
        expander.expand(stmt, policy)
    goal = objective(decls.objective, metrics, currency, diags)
    unused_node_warnings(world, diags, expander.out)  # after the requires: they can make a type useful
    near_metric = None if near is None else compile_near_metric(near, metrics, currency, diags)
    if diags.has_errors:
        return None
    warnings = tuple(ir.CompileWarning(code=d.code, message=d.message, span=d.span)
                     for d in diags.sorted() if d.severity is Severity.WARNING)
    return ir.Program(root=path, scenario=scenario, settings=settings, regions=regions,
                      node_types=nodes, links=links, paths=flat_paths, services=services, jobs=jobs,
                      statements=tuple(expander.out), objective=goal, warnings=warnings,
                      near_metric=near_metric)


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
