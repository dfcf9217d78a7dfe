"""Property-testing infrastructure plans with Hypothesis (public API; docs/testing.md).

    from hypothesis import given, settings
    import suanli.testing as sst

    SPEC = "specs/east-west.spec"

    @settings(max_examples=5, deadline=None)
    @given(sst.perturbations(SPEC, kinds=["demand_growth"], max_growth=0.20))
    def test_growth_stays_under_budget(p):
        sst.check_plan(sst.solve(SPEC, p), max_cost=1.2e9)

Strategies: `specs(...)` draws the text of a valid, feasible `.spec`;
`programs(...)` draws its compiled IR; `perturbations(spec)` draws the changes
a planner worries about (price shocks, demand growth, a region lost, a link
cut, a cap lowered) as `Perturbation` objects. Helpers: `solve(spec,
perturbation)` returns the verified plan of the perturbed spec, and
`check_plan(plan, ...)` asserts on it, raising `PlanPropertyError` with the
perturbation and the spec diff (base -> perturbed) when a property fails.

A perturbation is the language's own override mechanism (`--set` targets such
as `demand.web.compute*=1.2`) plus, for a cut link, removing the link's
declaration. `Perturbation.apply(text)` writes the same change into the spec
text, which is what the diff shows.
"""

from __future__ import annotations

import difflib
import functools
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from hypothesis import currently_in_test_context, note
from hypothesis import strategies as st
from pydantic import PrivateAttr

from suanli.solver.plan import Cost, Plan

CLASSES = ("general", "ai", "hpc")
_NAMES = ("bj", "sh", "gz", "cd", "gy", "nx", "nm", "gs", "zj", "wh")

# ====================================================================== spec generator


@dataclass(frozen=True)
class SpecKnobs:
    """Which features a generated spec may use, and how big it may be."""

    min_regions: int = 1
    max_regions: int = 4
    max_node_types: int = 4
    max_demands: int = 4
    max_jobs: int = 2
    links: bool = True
    site_costs: bool = True
    caps: bool = True  # power_cap and max_nodes on regions (generous: never binding alone)
    residency: bool = True
    latency: bool = True
    requires: bool = True
    scenarios: bool = True
    carbon_price: bool = True
    classes: tuple[str, ...] = CLASSES
    years: int = 0  # > 0: a multi-year build-out of that many yearly periods (LANGUAGE.md §8)
    # LANGUAGE.md §9 features (off by default, so earlier draws are unchanged):
    memory: bool = False  # memory on node types (every one), demands and jobs
    media: bool = False  # media ssd/hdd on node types, and an SSD-share require
    ai_sizing: bool = False  # jobs as params/tokens, demands as params/token_rate
    backups: bool = False  # backups = 1 on split = false demands


def _num(draw, lo: float, hi: float, places: int = 2) -> str:
    value = draw(st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False))
    return f"{round(value, places):g}"


@st.composite
def _region(draw, name: str, knobs: SpecKnobs, tags: list[str]) -> str:
    props = [f"power_price = {_num(draw, 0.2, 0.9)} CNY/kWh",
             f"pue = {_num(draw, 1.0, 1.6)}",
             f"carbon_intensity = {_num(draw, 50, 900, 0)} gCO2/kWh",
             f"renewable = {_num(draw, 0, 90, 0)}%"]
    if knobs.caps and draw(st.booleans()):
        props.append(f"power_cap = {_num(draw, 100, 500, 0)} MW")
    if knobs.caps and draw(st.booleans()):
        props.append(f"max_nodes = {draw(st.integers(20_000, 100_000))}")
    if knobs.site_costs and draw(st.booleans()):
        props.append(f"site_cost = {_num(draw, 1, 50, 1)}e6 CNY/year")
    props.append(f"tags = [{', '.join(tags)}]")
    return f"region {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


@st.composite
def _node(draw, name: str, cls: str, restricted: str | None, knobs: SpecKnobs | None = None,
          index: int = 0) -> str:
    compute = {"general": (1, 10), "ai": (500, 8000), "hpc": (5, 40)}[cls]
    props = [f"class = {cls}", f"compute = {_num(draw, *compute, 1)} TFLOPS",
             f"storage = {_num(draw, 1, 40, 1)} TB", f"power = {_num(draw, 0.3, 12, 2)} kW",
             f"capex = {_num(draw, 20, 3000, 0)}e3 CNY", f"lifetime = {draw(st.integers(3, 7))} years"]
    if draw(st.booleans()):
        props.append(f"opex = {_num(draw, 0, 50, 1)}e3 CNY/year")
    if restricted:
        props.append(f"regions = [{restricted}]")
    if knobs is not None and knobs.memory:
        props.append(f"memory = {_num(draw, 0.1, 2, 2)} TB")
    if knobs is not None and knobs.media:
        props.append(f"media = {'ssd' if index % 2 == 0 else 'hdd'}")
    return f"node {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


@st.composite
def _demand(draw, name: str, cls: str, origin: str, knobs: SpecKnobs, nearby: str, n_regions: int = 1) -> str:
    compute = {"general": (10, 500), "ai": (100, 20000), "hpc": (10, 400)}[cls]
    props = [f"class = {cls}", _demand_compute(draw, compute, knobs),
             f"storage = {_num(draw, 1, 500, 1)} TB", f"origin = {origin}",
             f"traffic = {_num(draw, 0, 5, 2)} Gbps"]
    if knobs.memory:
        props.append(f"memory = {_num(draw, 0, 20, 1)} TB")
    if knobs.latency and draw(st.booleans()):
        props.append(f"max_latency = {nearby}")
    resident = knobs.residency and draw(st.booleans())
    if resident:
        props.append(f"residency = [{origin}]")
    if draw(st.integers(0, 4)) == 0:
        props.append("split = false")
        if knobs.backups:  # 1 ms: every other region is at least that far (links are >= 1 ms)
            far = "1 ms" if n_regions > 1 and not resident else "0 ms"
            props += ["backups = 1", f"backup_separation = {far}"]
    return f"demand {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


@st.composite
def _job(draw, name: str, cls: str, origin: str, knobs: SpecKnobs | None = None) -> str:
    # Work is capped per class so one node of the slowest type of that class at 30%
    # efficiency needs at most ~1667 days: a serial part of <= 2% then takes <= 34 days,
    # inside the >= 60-day deadline, so every job has a usable node type.
    work_max = {"general": 0.5, "ai": 50, "hpc": 2}[cls]
    props = [f"class = {cls}", _job_work(draw, work_max, knobs),
             f"deadline = {draw(st.integers(60, 120))} days",
             f"serial_fraction = {_num(draw, 0, 2, 1)}%", f"efficiency = {draw(st.integers(30, 90))}%",
             f"storage = {_num(draw, 0, 50, 1)} TB", f"origin = {origin}",
             f"data = {_num(draw, 0, 20, 1)} TB"]
    if knobs is not None and knobs.memory:
        props.append(f"memory = {_num(draw, 0, 5, 1)} TB")
    return f"job {name} {{\n" + "".join(f"  {p}\n" for p in props) + "}\n"


def _demand_compute(draw, compute: tuple, knobs: SpecKnobs) -> str:
    """compute in TFLOPS, or (AI sizing, §9) params and token_rate giving about that much."""
    tflops = _num(draw, *compute, 1)
    if not knobs.ai_sizing:
        return f"compute = {tflops} TFLOPS"
    params = draw(st.integers(1, 70))
    rate = float(tflops) * 1e12 / (2 * params * 1e9)
    return f"params = {params}e9\n  token_rate = {max(rate, 0.01):.4g} / s"


def _job_work(draw, work_max: float, knobs: SpecKnobs | None) -> str:
    """work in PFLOPS*day, or (AI sizing, §9) params and tokens with 6*params*tokens about that much."""
    work = _num(draw, work_max / 50, work_max, 3)
    if knobs is None or not knobs.ai_sizing:
        return f"work = {work} PFLOPS * day"
    params = draw(st.integers(1, 70))
    tokens = float(work) * 1e15 * 86400 / (6 * params * 1e9)
    return f"params = {params}e9\n  tokens = {tokens:.4g}"


@dataclass
class _Plan:
    regions: list[str]
    tags: dict[str, list[str]]
    classes: list[str]
    parts: list[str] = field(default_factory=list)


@st.composite
def specs(draw, knobs: SpecKnobs | None = None, **overrides) -> str:
    """Draw the text of a valid, feasible spec. Keyword arguments override SpecKnobs fields."""
    knobs = knobs or SpecKnobs()
    if overrides:
        knobs = SpecKnobs(**{**knobs.__dict__, **overrides})
    n_regions = draw(st.integers(knobs.min_regions, knobs.max_regions))
    regions = list(_NAMES[:n_regions])
    tags = {r: ["east" if i % 2 == 0 else "west"] for i, r in enumerate(regions)}
    classes = draw(st.lists(st.sampled_from(knobs.classes), min_size=1, max_size=len(knobs.classes),
                            unique=True))
    plan = _Plan(regions, tags, classes)
    plan.parts.append(_settings(draw, knobs))
    plan.parts += [draw(_region(r, knobs, tags[r])) for r in regions]
    plan.parts += _links(draw, regions, knobs)
    plan.parts += _nodes(draw, plan, knobs)
    plan.parts += _workloads(draw, plan, knobs)
    plan.parts += _statements(draw, plan, knobs)
    return "\n".join(plan.parts)


def _settings(draw, knobs: SpecKnobs) -> str:
    util = draw(st.integers(50, 100))
    carbon = ""
    if knobs.carbon_price and draw(st.booleans()):
        carbon = f"  carbon_price = {draw(st.integers(1, 100))} CNY/tCO2\n"
    period = "  horizon = 1 year\n"
    if knobs.years > 0:
        period = (f"  years = 2026 .. {2025 + knobs.years}\n"
                  f"  discount_rate = {draw(st.integers(0, 15))}%\n")
    return f"settings {{\n{period}  currency = CNY\n  utilization = {util}%\n{carbon}}}\n"


def _links(draw, regions: list[str], knobs: SpecKnobs) -> list[str]:
    if not knobs.links or len(regions) < 2:
        return []
    out = []
    for a, b in zip(regions, regions[1:]):  # a chain keeps the graph connected
        bw = f"\n  bandwidth = {_num(draw, 400, 4000, 0)} Gbps" if draw(st.booleans()) else ""
        out.append(f"link {a} -- {b} {{\n  latency = {_num(draw, 1, 30, 1)} ms{bw}\n"
                   f"  transfer_cost = {_num(draw, 0, 0.05, 3)} CNY/GB\n}}\n")
    return out


def _nodes(draw, plan: _Plan, knobs: SpecKnobs) -> list[str]:
    out = []
    count = draw(st.integers(len(plan.classes), max(len(plan.classes), knobs.max_node_types)))
    for i in range(count):
        cls = plan.classes[i % len(plan.classes)]
        # the first node type of each class may be built everywhere, so every class is servable
        restricted = None
        if i >= len(plan.classes) and draw(st.booleans()):
            restricted = draw(st.sampled_from(plan.regions))
        out.append(draw(_node(f"{cls}_{i}", cls, restricted, knobs, i)))
    return out


def _workloads(draw, plan: _Plan, knobs: SpecKnobs) -> list[str]:
    out = []
    for i in range(draw(st.integers(1, max(1, knobs.max_demands)))):
        cls, origin = draw(st.sampled_from(plan.classes)), draw(st.sampled_from(plan.regions))
        demand = draw(_demand(f"svc{i}", cls, origin, knobs, f"{_num(draw, 0, 40, 0)} ms",
                              len(plan.regions)))
        if knobs.years > 0 and draw(st.booleans()):  # growth per year, compounding
            demand = demand.replace("\n}\n", f"\n  growth = {draw(st.integers(0, 40))}%\n}}\n")
        out.append(demand)
    for i in range(draw(st.integers(0, knobs.max_jobs))):
        cls, origin = draw(st.sampled_from(plan.classes)), draw(st.sampled_from(plan.regions))
        out.append(draw(_job(f"job{i}", cls, origin, knobs)))
    return out


def _statements(draw, plan: _Plan, knobs: SpecKnobs) -> list[str]:
    out = []
    if knobs.requires and draw(st.booleans()):
        cls = draw(st.sampled_from(plan.classes))
        out.append(f"require share: compute({cls}, east) >= {draw(st.integers(0, 30))}% * compute({cls})")
    if knobs.requires and draw(st.booleans()):
        out.append(f"for r in regions: require power(r) <= {draw(st.integers(600, 2000))} MW")
    if knobs.media and draw(st.booleans()):  # §9: node 0 (ssd) may be built everywhere
        out.append(f"require ssd_share: storage(ssd) >= {draw(st.integers(0, 50))}% * storage()")
    if knobs.memory and knobs.requires and draw(st.booleans()):  # 算存比, generous enough to hold
        out.append(f"assert advisory memory_ratio: compute() / memory() <= {draw(st.integers(50, 500))}e3 GFLOPS/GB")
    out.append(f"assert advisory budget: cost <= {draw(st.integers(1, 100))}e9 CNY")
    if knobs.scenarios and draw(st.booleans()):
        region = draw(st.sampled_from(plan.regions))
        out.append(f"scenario shock {{\n  region.{region}.power_price *= 2\n}}")
    return ["\n".join(out) + "\n"] if out else []


def programs(**knobs):
    """Draw the compiled IR (suanli.compiler.ir.Program) of a generated spec."""
    return specs(**knobs).map(_compile_text)


def _compile_text(text: str):
    from suanli.compiler.pipeline import load

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "generated.spec")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return load(path)


# ====================================================================== spec sources

SpecLike = Union[str, os.PathLike]


@dataclass(frozen=True)
class _Source:
    text: str  # the root spec's text (newlines normalised)
    path: Optional[str]  # the file it came from; None for spec text
    name: str  # for messages and diffs


def _source(spec: SpecLike) -> _Source:
    """A path (an existing file) or the spec text itself."""
    from suanli.grammar.parser import normalize_text

    looks_like_path = isinstance(spec, str) and "\n" not in spec and "{" not in spec
    if isinstance(spec, os.PathLike) or (looks_like_path and os.path.isfile(spec)):
        path = os.fspath(spec)
        return _Source(normalize_text(Path(path).read_text(encoding="utf-8")), path, path)
    if looks_like_path and spec.strip().endswith(".spec"):
        raise FileNotFoundError(f"no spec file {spec!r} (relative to {os.getcwd()})")
    return _Source(normalize_text(spec), None, "spec")


def _compile(src: _Source, scenario=None, overrides=(), removed_links=()):
    """(compile_spec result, the root path compiled): the source, links removed first."""
    from suanli.compiler.pipeline import compile_spec

    if src.path is not None and not removed_links:
        return compile_spec(src.path, scenario, tuple(overrides)), src.path
    text = _remove_links(src.text, removed_links) if removed_links else src.text
    if src.path is not None and re.search(r"^[ \t]*import\b", text, re.M):
        # imports resolve relative to the root: write the perturbed root beside it
        folder = os.path.dirname(os.path.abspath(src.path))
        handle, path = tempfile.mkstemp(suffix=".spec", prefix=".suanli-perturbed-", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            return compile_spec(path, scenario, tuple(overrides)), path
        finally:
            os.unlink(path)
    with tempfile.TemporaryDirectory(prefix="suanli-") as tmp:
        path = os.path.join(tmp, os.path.basename(src.path or "spec.spec"))
        Path(path).write_text(text, encoding="utf-8")
        return compile_spec(path, scenario, tuple(overrides)), path


@functools.lru_cache(maxsize=32)
def _base(src: _Source, scenario: Optional[str]):
    """The compiled IR and parsed root module of an unperturbed spec."""
    from suanli.diagnostics import CompileError
    from suanli.grammar.parser import parse

    result, _ = _compile(src, scenario)
    if result.program is None:
        raise CompileError(result.diagnostics)
    module, _ = parse(src.text, src.name)
    return result.program, module


# ====================================================================== text edits


def _starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _offset(starts: list[int], line: int, col: int) -> int:
    return starts[line - 1] + col - 1


def _span_range(text: str, starts: list[int], span) -> tuple[int, int]:
    return _offset(starts, span.line, span.col), _offset(starts, span.end_line, span.end_col)


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole lines when only blanks (and a trailing comment) surround it."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() == "":
        start = line_start
        rest = re.match(r"[ \t]*(#[^\n]*)?(\n|$)", text[end:])
        if rest:
            end += rest.end()
    return start, end


def _apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, replacement) edits that do not overlap; insertions at one
    position keep their order."""
    order = sorted(range(len(edits)), key=lambda i: (edits[i][0], edits[i][1], i), reverse=True)
    for start, end, new in (edits[i] for i in order):
        text = text[:start] + new + text[end:]
    return text


def _remove_links(text: str, links: Iterable[tuple[str, str]]) -> str:
    from suanli.grammar import ast
    from suanli.grammar.parser import parse

    module, _ = parse(text, "spec")
    cut = {frozenset(pair) for pair in links}
    starts, edits = _starts(text), []
    for stmt in module.statements if module else ():
        if isinstance(stmt, ast.LinkDecl) and frozenset((stmt.a, stmt.b)) in cut:
            edits.append((*_whole_lines(text, *_span_range(text, starts, stmt.span)), ""))
        if isinstance(stmt, ast.Scenario):  # its overrides of a removed link would not resolve
            for ov in stmt.overrides:
                parts = ov.target.parts
                if parts[0] == "link" and len(parts) == 4 and frozenset(parts[1:3]) in cut:
                    edits.append((*_whole_lines(text, *_span_range(text, starts, ov.span)), ""))
    return _apply_edits(text, edits)


def _split_override(item: str) -> tuple[list[str], str, str]:
    target, value = item.split("=", 1)
    op = "="
    if target[-1:] in ("*", "+", "-"):
        op, target = target[-1] + "=", target[:-1]
    return target.strip().split("."), op, value.strip()


def _find_block(module, kind: str, name: str = "", other: str = ""):
    from suanli.grammar import ast

    for stmt in module.statements:
        if kind == "settings" and isinstance(stmt, ast.Settings):
            return stmt
        if kind == "link" and isinstance(stmt, ast.LinkDecl) and {stmt.a, stmt.b} == {name, other}:
            return stmt
        if isinstance(stmt, ast.Decl) and stmt.kind == kind and stmt.name == name:
            return stmt
    return None


def _inherited(module, block, prop: str):
    """The block declaring `prop` for a node type, following `extends` in the root text."""
    seen = set()
    while block is not None and block.name not in seen:
        seen.add(block.name)
        found = next((p for p in block.props if p.name == prop), None)
        if found is not None:
            return found
        block = _find_block(module, "node", block.base) if block.base else None
    return None


def _value_text(text: str, starts, prop) -> str:
    start, end = _span_range(text, starts, prop.value.span)
    return text[start:end]


def _scaled(text: str, starts, prop, factor: str) -> str:
    from suanli.grammar import ast

    value = _value_text(text, starts, prop)
    if isinstance(prop.value, ast.BinOp) and prop.value.op in "+-":
        value = f"({value})"
    return f"{value} * {factor}"


def _insert_prop(text: str, starts, block, line: str) -> tuple[int, int, str]:
    close = _offset(starts, block.span.end_line, block.span.end_col) - 1  # the `}`
    line_start = text.rfind("\n", 0, close) + 1
    if text[line_start:close].strip() == "" and block.span.end_line > block.span.line:
        indent = "  "
        if block.props:
            indent = " " * (block.props[0].span.col - 1)
        return line_start, line_start, f"{indent}{line}\n"
    before = len(text[:close].rstrip())
    sep = " " if text[before - 1] in "{;" else "; "
    return before, before, f"{sep}{line}" + (" " if before == close else "")


def _render_override(text: str, starts, module, item: str):
    """One text edit for a `--set` override, or None when the target is not in the root text."""
    parts, op, value = _split_override(item)
    if parts[0] not in ("settings", "region", "node", "link", "demand", "job") or module is None:
        return None
    block = _find_block(module, parts[0], *parts[1:-1])
    prop_name = parts[-1]
    if block is None:
        return None
    own = next((p for p in block.props if p.name == prop_name), None)
    if op == "=":
        if own is None:
            return _insert_prop(text, starts, block, f"{prop_name} = {value}")
        return (*_span_range(text, starts, own.value.span), value)
    if op != "*=":
        return None
    if own is not None:
        return (*_span_range(text, starts, own.value.span), _scaled(text, starts, own, value))
    source = _inherited(module, block, prop_name) if parts[0] == "node" else None
    if source is None:
        return None
    return _insert_prop(text, starts, block, f"{prop_name} = {_scaled(text, starts, source, value)}")


def _render(text: str, overrides: Sequence[str], removed_links) -> str:
    from suanli.grammar.parser import parse

    text = _remove_links(text, removed_links) if removed_links else text
    module, _ = parse(text, "spec")
    starts, edits, missing = _starts(text), [], []
    for item in overrides:
        edit = _render_override(text, starts, module, item)
        if edit is None or any(e[0] < edit[1] and edit[0] < e[1] for e in edits):
            missing.append(item)  # not in the root text, or a second change of one value
        else:
            edits.append(edit)
    text = _apply_edits(text, edits)
    if missing:  # declared in an imported file (or not written anywhere)
        text += "".join(f"# --set {item}\n" for item in missing)
    return text


# ====================================================================== perturbations

KINDS = ("price_shock", "demand_growth", "region_lost", "link_cut", "cap_lowered")


@dataclass(frozen=True, repr=False)
class Perturbation:
    """A change to a spec: `overrides` in `--set` form, plus links whose declaration is removed.

    `kind` is one of KINDS (or "prices_scaled", "custom"); `description` says it in a
    planner's words, e.g. "region guizhou lost (max_nodes = 0)".
    """

    kind: str
    description: str
    overrides: tuple[str, ...] = ()
    removed_links: tuple[tuple[str, str], ...] = ()

    def apply(self, text: str) -> str:
        """The perturbed spec text: each override written into its declaration."""
        from suanli.grammar.parser import normalize_text

        return _render(normalize_text(text), self.overrides, self.removed_links)

    def __str__(self) -> str:
        return self.description

    def __repr__(self) -> str:
        return f"<Perturbation {self.kind}: {self.description}>"

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis prints a falsifying example
        printer.text(repr(self))

    def show(self, limit: int = 6) -> str:
        """The description and the change, `--set` style, at most `limit` overrides listed."""
        lines = [f"perturbation: {self.description}"]
        shown = self.overrides if len(self.overrides) <= limit else self.overrides[:limit - 1]
        lines += [f"  --set {item}" for item in shown]
        if len(shown) < len(self.overrides):
            lines.append(f"  ... and {len(self.overrides) - len(shown)} more --set (see the diff)")
        lines += [f"  removed: link {a} -- {b}" for a, b in self.removed_links]
        return "\n".join(lines)


def spec_diff(spec: SpecLike, perturbation: Optional[Perturbation]) -> str:
    """A unified diff of the spec text, base -> perturbed ('' without a change)."""
    src = _source(spec)
    if perturbation is None:
        return ""
    return _diff(src.text, perturbation.apply(src.text), src.name)


def _diff(base: str, changed: str, name: str) -> str:
    lines = difflib.unified_diff(base.splitlines(keepends=True), changed.splitlines(keepends=True),
                                 fromfile=name, tofile=f"{name} (perturbed)", n=1)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _factor(percent: int) -> str:
    return f"{percent / 100:g}"


def perturbations(spec: SpecLike, *, kinds: Sequence[str] = KINDS, max_shock: float = 2.0,
                  max_growth: float = 0.2, max_cap_cut: float = 0.5,
                  scenario: Optional[str] = None) -> st.SearchStrategy[Perturbation]:
    """Draw perturbations of `spec` (a path or spec text).

    kinds: any of KINDS. price_shock multiplies a price by 1.01..max_shock (one region's
    power price, every power price, a node type's capex, the carbon price, or every
    price at once); demand_growth multiplies the compute, storage and traffic of one
    demand (work, storage and data of a job), or of all of them, by 1.01..1+max_growth;
    region_lost sets a region's max_nodes to 0 (the region and its links stay: names
    still resolve, nothing can be built there); link_cut removes a link's declaration
    (paths are recomputed; a demand left with no allowed region makes the perturbed
    spec invalid, which `solve` reports as status `error`); cap_lowered multiplies a
    power_cap, max_nodes or max_per_region that is set by 1-max_cap_cut..0.99.
    Shrinking goes to the first kind listed, the first name, the smallest change.
    """
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown perturbation kinds {sorted(unknown)}; choose from {KINDS}")
    program, module = _base(_source(spec), scenario)
    makers = {"price_shock": lambda: _price_shocks(program, max_shock),
              "demand_growth": lambda: _growth(program, max_growth),
              "region_lost": lambda: _region_lost(program),
              "link_cut": lambda: _link_cut(module),
              "cap_lowered": lambda: _cap_lowered(program, max_cap_cut)}
    options = [s for s in (makers[k]() for k in kinds) if s is not None]
    if not options:
        raise ValueError(f"nothing in the spec can be perturbed with kinds {list(kinds)}")
    return st.one_of(options)


def _price_targets(program) -> dict[str, list[str]]:
    """`--set` targets of every price that is set (non-zero), grouped by what they price."""
    nonzero = lambda items, attr, kind: [f"{kind}.{x.name}.{attr}" for x in items if getattr(x, attr)]
    return {
        "power_price": nonzero(program.regions, "power_price", "region"),
        "site_cost": nonzero(program.regions, "site_cost", "region"),
        "capex": nonzero(program.node_types, "capex", "node"),
        "opex": nonzero(program.node_types, "opex", "node"),
        "transfer_cost": [f"link.{l.a}.{l.b}.transfer_cost" for l in program.links if l.transfer_cost],
        "carbon_price": ["settings.carbon_price"] if program.settings.carbon_price else [],
    }


def scale_prices(spec: SpecLike, k: Union[int, float, str], scenario: Optional[str] = None) -> Perturbation:
    """Every money quantity (power_price, site_cost, capex, opex, transfer_cost,
    carbon_price) multiplied by k: the optimal cost scales by exactly k."""
    program, _ = _base(_source(spec), scenario)
    targets = [t for group in _price_targets(program).values() for t in group]
    return Perturbation("prices_scaled", f"every price ×{k}", tuple(f"{t}*={k}" for t in targets))


def _price_shocks(program, max_shock: float):
    targets = _price_targets(program)
    everything = [t for group in targets.values() for t in group]
    choices = [("every price", everything)]
    if targets["power_price"]:
        choices.append(("every power price", targets["power_price"]))
    choices += [(f"power price in {t.split('.')[1]}", [t]) for t in targets["power_price"]]
    choices += [(f"capex of node type {t.split('.')[1]}", [t]) for t in targets["capex"]]
    choices += [("carbon price", [t]) for t in targets["carbon_price"]]
    top = int(round(max_shock * 100))
    if not everything or top < 101:
        return None

    def make(choice, pct: int) -> Perturbation:
        (what, targets_), k = choice, _factor(pct)
        return Perturbation("price_shock", f"{what} ×{k}", tuple(f"{t}*={k}" for t in targets_))

    return _drawn(choices, 101, top, make)


@st.composite
def _drawn(draw, choices: list, lo: int, hi: int, make) -> Perturbation:
    """make(one of choices, a percentage in lo..hi); shrinks to the first choice and lo.
    (A composite, not .map(), so a falsifying example prints as the Perturbation.)"""
    return make(draw(st.sampled_from(choices)), draw(st.integers(lo, hi)))


def _growth_targets(program, names: Optional[set[str]]) -> list[str]:
    out = []
    for svc in program.services:
        if names is None or svc.name in names:
            rate = "token_rate" if svc.token_rate is not None else "compute"  # §9: scale what was written
            out += [f"demand.{svc.name}.{p}" for p in (rate, "storage", "traffic") if getattr(svc, p)]
    for job in program.jobs:
        if names is None or job.name in names:
            work = "tokens" if job.tokens is not None else "work"  # §9: an AI-sized job has no `work` to scale
            out += [f"job.{job.name}.{p}" for p in (work, "storage", "data") if getattr(job, p)]
    return out


def _growth(program, max_growth: float):
    top = int(round(max_growth * 100))
    names = [w.name for w in (*program.services, *program.jobs)]
    if top < 1 or not names:
        return None
    scopes = [("every demand and job", None)] + [(n, {n}) for n in names]

    def make(scope, pct: int) -> Perturbation:
        targets = _growth_targets(program, scope[1])
        return Perturbation("demand_growth", f"demand growth +{pct}% ({scope[0]})",
                            tuple(f"{t}*={_factor(100 + pct)}" for t in targets))

    return _drawn(scopes, 1, top, make)


def _region_lost(program):
    if not program.regions:
        return None
    return st.sampled_from([Perturbation("region_lost", f"region {r.name} lost (max_nodes = 0)",
                                         (f"region.{r.name}.max_nodes=0",)) for r in program.regions])


def _link_cut(module):
    from suanli.grammar import ast

    links = [(s.a, s.b) for s in module.statements if isinstance(s, ast.LinkDecl)] if module else []
    if not links:
        return None
    return st.sampled_from([Perturbation("link_cut", f"link {a} -- {b} cut (declaration removed)",
                                         removed_links=((a, b),)) for a, b in links])


def _cap_lowered(program, max_cut: float):
    caps = [("region", r.name, "power_cap", None) for r in program.regions if r.power_cap]
    caps += [("region", r.name, "max_nodes", r.max_nodes) for r in program.regions if r.max_nodes]
    caps += [("node", t.name, "max_per_region", t.max_per_region)
             for t in program.node_types if t.max_per_region]
    top = int(round(max_cut * 100))
    if not caps or top < 1:
        return None

    def make(cap, cut: int) -> Perturbation:
        kind, name, prop, count = cap
        keep = 100 - cut
        value = f"*={_factor(keep)}" if count is None else f"={math.floor(count * keep / 100)}"
        where = f"{kind} {name}"
        return Perturbation("cap_lowered", f"{prop} of {where} lowered by {cut}%",
                            (f"{kind}.{name}.{prop}{value}",))

    return _drawn(caps, 1, min(top, 99), make)


# ====================================================================== solving


@dataclass(frozen=True)
class _Context:
    spec: str
    base_text: str
    perturbed_text: str
    perturbation: Optional[Perturbation]
    violations: tuple[str, ...] = ()
    diagnostics: tuple[str, ...] = ()


class SolvedPlan(Plan):
    """A Plan that remembers the spec, the perturbation and the verifier's findings."""

    _context: Optional[_Context] = PrivateAttr(default=None)
    _noted: bool = PrivateAttr(default=False)  # the perturbation is in Hypothesis's notes

    @property
    def perturbation(self) -> Optional[Perturbation]:
        return self._context.perturbation if self._context else None

    @property
    def violations(self) -> tuple[str, ...]:
        """What the independent verifier found wrong with the plan (normally nothing)."""
        return self._context.violations if self._context else ()

    @property
    def spec_diff(self) -> str:
        ctx = self._context
        return _diff(ctx.base_text, ctx.perturbed_text, ctx.spec) if ctx else ""


def solve(spec: SpecLike, perturbation: Optional[Perturbation] = None, *, scenario: Optional[str] = None,
          solver: str = "highs", relax: bool = False, gap: float = 1e-6,
          time_limit: Optional[float] = None, tie_break: bool = True) -> SolvedPlan:
    """Solve `spec` (a path or spec text) under `perturbation`; return the verified plan.

    The options are `suanli solve`'s (`tie_break=False` is `--no-tie-break`: faster,
    but equal-cost plans may vary). A base spec that does not compile raises
    CompileError. A perturbed spec that does not compile (a cut link stranding a
    demand) gives a plan with status "error" whose message lists the diagnostics.
    Results are cached, so shrinking is cheap. Inside a Hypothesis test the
    perturbation and the spec diff are recorded with `note()`.
    """
    src = _source(spec)
    _base(src, scenario)  # the base spec must compile
    key = (src, perturbation, scenario, solver, relax, gap, time_limit, tie_break)
    plan = _solve_cached(*key).model_copy(deep=True)
    if perturbation is not None and _in_hypothesis():
        note(f"{perturbation.show()}\nspec diff (base -> perturbed):\n{plan.spec_diff}")
        plan._noted = True
    return plan


@functools.lru_cache(maxsize=256)
def _solve_cached(src: _Source, perturbation, scenario, solver, relax, gap, time_limit,
                  tie_break) -> SolvedPlan:
    from suanli.solver.solve import SolveConfig, solve_program

    p = perturbation or Perturbation("none", "no perturbation")
    result, compiled = _compile(src, scenario, p.overrides, p.removed_links)
    named = (lambda text: text.replace(compiled, src.name)) if compiled != src.name else (lambda text: text)
    changed = p.apply(src.text) if perturbation is not None else src.text
    if result.program is None:
        messages = tuple(named(f"{d.span}: {d.message}" if d.span else d.message)
                         for d in result.diagnostics if d.severity.value == "error")
        plan = _as_solved(_error_plan(src.name, solver, "the perturbed spec does not compile: "
                                      + "; ".join(messages)))
        plan._context = _Context(src.name, src.text, changed, perturbation, (), messages)
        return plan
    config = SolveConfig(solver=solver, time_limit=time_limit, gap=gap, relax=relax, tie_break=tie_break)
    outcome = solve_program(result.program, config)
    plan = _as_solved(outcome.plan)
    plan.spec = src.name  # not the temporary copy that was compiled
    for item in (*plan.requires, *plan.asserts, *plan.infeasibility, *plan.warnings):
        item.location = named(item.location) if item.location else item.location
    violations = tuple(named(v) for v in outcome.violations)
    plan._context = _Context(src.name, src.text, changed, perturbation, violations)
    return plan


def _as_solved(plan: Plan) -> SolvedPlan:
    return SolvedPlan.model_construct(_fields_set=set(plan.model_fields_set),
                                      **{name: getattr(plan, name) for name in Plan.model_fields})


def _error_plan(name: str, solver: str, message: str) -> Plan:
    return Plan(status="error", message=message, spec=name, solver=solver, objective=None,
                objective_unit="", objective_sense="minimize", currency="", horizon_h=0.0, cost=Cost())


def _in_hypothesis() -> bool:
    return currently_in_test_context()




# ====================================================================== assertions


class PlanPropertyError(AssertionError):
    """A plan property failed. The message shows what failed, the perturbation and the spec diff."""

    def __init__(self, failures: list[str], plan: Plan):
        self.failures = failures
        self.plan = plan
        super().__init__(_report(failures, plan))


def check_plan(plan: Plan, *, feasible: Optional[bool] = True, verified: bool = True,
               requires_hold: bool = True, asserts_hold: bool = True, holds: Sequence[str] = (),
               max_cost: Optional[float] = None, baseline: Union[Plan, float, None] = None,
               within_pct: Optional[float] = None) -> Plan:
    """Assert properties of a plan; raise PlanPropertyError listing every one that fails.

    feasible: True needs a plan (status optimal or feasible), False needs "infeasible",
    None accepts either. verified: the independent verifier found nothing (plans from
    `solve`). requires_hold / asserts_hold: every require, every mandatory assert holds.
    holds: names of requires or asserts (advisory ones too) that must hold. max_cost:
    cost.total <= max_cost. within_pct with baseline (a plan or a cost): cost.total is
    within that many percent of the baseline's, either way. Returns the plan.
    """
    __tracebackhide__ = True  # pytest: show the caller's line, not this function
    failures = _status_failures(plan, feasible)
    if plan.status in ("optimal", "feasible"):
        if verified and isinstance(plan, SolvedPlan):
            failures += [f"the verifier rejects the plan: {v}" for v in plan.violations]
        failures += _statement_failures(plan, requires_hold, asserts_hold, holds)
        failures += _cost_failures(plan, max_cost, baseline, within_pct)
    if failures:
        raise PlanPropertyError(failures, plan)
    return plan


def _status_failures(plan: Plan, feasible: Optional[bool]) -> list[str]:
    has_plan = plan.status in ("optimal", "feasible")
    if feasible is True and not has_plan:
        why = [f"\n      {i.message}" for i in plan.infeasibility]
        return [f"no plan: status {plan.status}" + (f" ({plan.message})" if plan.message else "")
                + "".join(why)]
    if feasible is False and plan.status != "infeasible":
        return [f"expected no feasible plan, got status {plan.status}"]
    return []


def _statement_failures(plan: Plan, requires_hold: bool, asserts_hold: bool,
                        holds: Sequence[str]) -> list[str]:
    out = []
    results = {s.name: s for s in (*plan.requires, *plan.asserts)}
    for name in holds:
        if name not in results:
            out.append(f"no require or assert named {name!r}; the plan has: {', '.join(sorted(results))}")
        elif not _holds(results[name]):
            out.append(_broken(results[name]))
    if requires_hold:
        out += [_broken(s) for s in plan.requires if s.name not in holds and not _holds(s)]
    if asserts_hold:
        out += [_broken(s) for s in plan.asserts
                if not s.advisory and s.name not in holds and not _holds(s)]
    return out


def _holds(result) -> bool:
    if result.passed is not None:
        return result.passed
    scale = max(1.0, abs(result.bound or 0.0), abs(result.value or 0.0))
    return result.slack is None or result.slack >= -1e-6 * scale


def _broken(result) -> str:
    kind = "assert" if result.passed is not None else "require"
    return (f"{kind} {result.name} fails at {result.location}: value {_num_text(result.value)} "
            f"{result.op} bound {_num_text(result.bound)} {result.unit}".rstrip())


def _cost_failures(plan: Plan, max_cost, baseline, within_pct) -> list[str]:
    cost, cur, out = plan.cost.total, plan.currency, []
    if cost is None:
        return ["the plan has no cost"] if max_cost is not None or within_pct is not None else []
    if max_cost is not None and cost > max_cost * (1 + 1e-9):
        out.append(f"cost {_money(cost, cur)} exceeds max_cost {_money(max_cost, cur)}")
    if within_pct is not None:
        if baseline is None:
            raise ValueError("within_pct needs a baseline (a plan or a cost)")
        base = baseline.cost.total if isinstance(baseline, Plan) else float(baseline)
        if base is None:
            out.append("the baseline plan has no cost")
        elif abs(cost - base) > within_pct / 100 * abs(base) * (1 + 1e-9) + 1e-9:
            change = (cost - base) / base * 100 if base else math.inf
            out.append(f"cost {_money(cost, cur)} is {change:+.2f}% from the baseline's "
                       f"{_money(base, cur)}, more than ±{within_pct:g}%")
    return out


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}".strip() if abs(value) < 1e4 else f"{value:,.0f} {currency}".strip()


def _num_text(value: Optional[float]) -> str:
    return "undefined" if value is None else f"{value:.6g}"


def _report(failures: list[str], plan: Plan) -> str:
    ctx = plan._context if isinstance(plan, SolvedPlan) else None
    lines = [f"plan property failed ({len(failures)}):"] + [f"  - {f}" for f in failures]
    if ctx is not None:
        lines.append(f"spec: {ctx.spec}")
        diff = _diff(ctx.base_text, ctx.perturbed_text, ctx.spec)
        if ctx.perturbation is None:
            lines.append("perturbation: none (the base spec)")
        elif plan._noted and _in_hypothesis():  # solve() noted the perturbation and the diff: not twice
            lines.append(f"perturbation: {ctx.perturbation.description} (the change and the spec "
                         "diff are in the notes below)")
        else:
            lines += [ctx.perturbation.show(), "spec diff (base -> perturbed):", diff.rstrip("\n")]
    if plan.status in ("optimal", "feasible") and plan.cost.total is not None:
        lines.append(f"plan: status {plan.status}, cost {_money(plan.cost.total, plan.currency)}")
    return "\n".join(lines)


__all__ = ["CLASSES", "KINDS", "Perturbation", "PlanPropertyError", "SolvedPlan", "SpecKnobs",
           "check_plan", "perturbations", "programs", "scale_prices", "solve", "spec_diff", "specs"]
