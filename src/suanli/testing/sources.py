"""Where a spec comes from (a path or its text) and edits to its text (overrides, removed links)."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union


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


def _spec_arg(src: _Source, removed_links=()):
    """What `suanli.api` compiles for `src` (links removed first): (spec, base, its name there).

    A file without changes is compiled as itself; changed text stands where its
    file is (its imports resolve there), or in the working directory."""
    from suanli.api import TEXT_NAME, SpecFile

    if src.path is not None and not removed_links:
        return SpecFile(src.path), None, src.path
    text = _remove_links(src.text, removed_links) if removed_links else src.text
    base = os.path.dirname(os.path.abspath(src.path)) if src.path is not None else None
    return text, base, TEXT_NAME


@functools.lru_cache(maxsize=32)
def _base(src: _Source, scenario: Optional[str]):
    """The compiled IR and parsed root module of an unperturbed spec (CompileError otherwise)."""
    from suanli import api
    from suanli.grammar.parser import parse

    spec, base, _ = _spec_arg(src)
    program = api.load(spec, scenario=scenario, base=base)
    module, _ = parse(src.text, src.name)
    return program, module


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


def _split_override(item: str) -> tuple[tuple[str, ...], str, str]:
    """A `--set` item read as the CLI reads it (compiler.apply_scenario.split_set)."""
    from suanli.compiler.apply_scenario import split_set

    split = split_set(item)
    if split is None:
        raise ValueError(f"--set `{item}` has no `=`")
    parts, op, value = split
    return parts, op, value.strip()


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
