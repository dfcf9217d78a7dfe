"""The one object the compiler passes read and extend (pipeline.PASSES, PERIOD_PASSES).

Every pass is `pass_(state, diags) -> state`: it reads what earlier passes left
here, adds its own fields, and reports into the DiagnosticBag. A pass that makes
going on pointless sets `stop` and the runner ends the tuple there. Fields stay
None (or empty) until the pass that owns them has run; each says which pass that is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from suanli.compiler.resolve_imports import DEFAULT_MAX_BYTES
from suanli.diagnostics import DiagnosticBag
from suanli.stopwatch import SILENT, Stopwatch

if TYPE_CHECKING:  # annotations only: the passes import this module
    from suanli.compiler import ir
    from suanli.compiler.build_entities import World
    from suanli.compiler.collect_names import Decls
    from suanli.compiler.metrics import MetricEvaluator
    from suanli.compiler.path_table import PathTable
    from suanli.compiler.resolve_imports import Sources
    from suanli.compiler.size_jobs import Sizing
    from suanli.compiler.years import YearAxis


@dataclass
class CompileState:
    # the request
    path: str
    scenario: str | None = None
    sets: tuple[str, ...] = ()  # `--set` overrides, as typed
    near: str | None = None  # the METRIC of `solve --near-optimal`
    max_bytes: int = DEFAULT_MAX_BYTES
    text: str | None = None  # compile this text instead of reading `path`
    base: str | None = None  # the directory `text` stands in, for its imports
    watch: Stopwatch = SILENT
    # front end
    sources: Sources | None = None  # resolve_imports: the files read and their modules
    decls: Decls | None = None  # collect_names: every declaration by kind and name
    axis: YearAxis | None = None  # read_years: the year axis of a multi-year spec (§8), else None
    single_period: bool = True  # read_years: False when `years` is used (or its syntax is wrong)
    overrides: dict = field(default_factory=dict)  # apply_scenario: (kind, owner, prop) -> ops
    # one period (every year of a multi-year spec runs these passes once)
    world: World | None = None  # build_entities: typed declarations in SI units (exact)
    paths: PathTable | None = None  # find_paths: PathTable of every origin a demand or job names
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # allowed_regions: workload -> regions
    options: dict[str, list[Sizing]] = field(default_factory=dict)  # size_jobs: job -> [Sizing] per usable type
    backups: dict[str, dict] = field(default_factory=dict)  # backups: demand -> its IR backup fields
    metrics: MetricEvaluator | None = None  # expand_statements: shared with the near metric
    statements: list[ir.Statement] = field(default_factory=list)  # expand_statements: ir.Statement, in source order
    objective: ir.Objective | None = None  # expand_statements: ir.Objective
    near_metric: ir.NearMetric | None = None  # near_metric: ir.NearMetric or None
    program: ir.Program | None = None  # emit_ir (or compile_years): the ir.Program, None on errors
    stop: bool = False  # set by a pass after which nothing more can be compiled

    def period(self, decls: Decls, overrides: dict) -> "CompileState":
        """A fresh state for one period (one year of a multi-year spec) of these declarations."""
        return CompileState(self.path, self.scenario, decls=decls, overrides=overrides)


Pass = Callable[[CompileState, DiagnosticBag], CompileState]


def run_passes(passes: Iterable[Pass], state: CompileState, diags: DiagnosticBag) -> CompileState:
    for pass_ in passes:
        state = pass_(state, diags)
        if state.stop:
            break
    return state
