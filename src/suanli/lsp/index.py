"""A name index of a spec and the files it imports: where each name is declared
and every place it is used, from the syntax tree alone (so it works while the
spec still has semantic errors).

Declarations: regions, nodes, demands, jobs, lets, policies, scenarios, named
requires/asserts; a tag or class is "declared" where it first appears (`tags = [...]`,
`class = ...`). Uses: names in expressions, `extends`, link ends, `origin`,
`residency`, `regions`, `tags`, scenario override targets. A `for` variable is
local to its statement and never indexed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterator, Optional

from suanli.diagnostics import Span
from suanli.grammar import ast
from suanli.grammar.parser import parse

NAME_PROPS = ("origin", "residency", "regions", "tags", "class", "media")
FIRST_USE_DECLARES = {"tags": "tag", "class": "class", "media": "media"}
KIND_ORDER = ("region", "node", "demand", "job", "let", "policy", "scenario", "tag", "class", "media",
              "require", "assert")


@dataclass(frozen=True)
class Symbol:
    kind: str
    name: str
    span: Span  # of the name
    whole: Span  # of the declaration (the block, for document symbols)
    detail: str = ""


@dataclass
class FileIndex:
    path: str
    text: str
    module: Optional[ast.Module]
    decls: list[Symbol] = field(default_factory=list)
    uses: list[tuple[str, Span]] = field(default_factory=list)
    imports: list[tuple[str, Span]] = field(default_factory=list)  # (resolved path, span of the string)
    blocks: list[tuple[str, Span]] = field(default_factory=list)  # (declaration kind, block span)
    calls: list[tuple[str, Span]] = field(default_factory=list)  # metric or domain function names


def index_text(path: str, text: str) -> FileIndex:
    module, _ = parse(text, path)
    idx = FileIndex(path, text, module)
    if module is not None:
        _Walker(idx).module(module)
    return idx


class Workspace:
    """The open file plus everything it imports (unsaved texts win over the disk)."""

    def __init__(self, root: str, texts: dict[str, str]):
        self.files: dict[str, FileIndex] = {}
        self._load(os.path.abspath(root), texts)

    def _load(self, path: str, texts: dict[str, str]) -> None:
        if path in self.files or len(self.files) > 200:
            return
        text = texts.get(path)
        if text is None:
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError):
                return
        idx = index_text(path, text)
        self.files[path] = idx
        for target, _ in idx.imports:
            self._load(target, texts)

    def all_decls(self) -> Iterator[Symbol]:
        for idx in self.files.values():
            yield from idx.decls

    def definitions(self, name: str) -> list[Symbol]:
        found = [s for s in self.all_decls() if s.name == name and s.kind not in ("require", "assert", "link")]
        return sorted(found, key=lambda s: (KIND_ORDER.index(s.kind) if s.kind in KIND_ORDER else 99,
                                            s.span.path, s.span.line, s.span.col))

    def occurrences(self, name: str) -> list[Span]:
        spans = {s.span for s in self.definitions(name)}
        for idx in self.files.values():
            spans.update(span for used, span in idx.uses if used == name)
        return sorted(spans, key=lambda s: (s.path, s.line, s.col))


def name_at(idx: FileIndex, line: int, col: int) -> Optional[tuple[str, Span]]:
    """The declared or used name under (1-based line, code-point column)."""
    for sym in idx.decls:
        if sym.kind not in ("link",) and contains(sym.span, line, col):
            return sym.name, sym.span
    for name, span in idx.uses:
        if contains(span, line, col):
            return name, span
    return None


def import_at(idx: FileIndex, line: int, col: int) -> Optional[str]:
    for target, span in idx.imports:
        if contains(span, line, col):
            return target
    return None


def contains(span: Span, line: int, col: int) -> bool:
    if (line, col) < (span.line, span.col):
        return False
    return (line, col) <= (span.end_line, span.end_col)


def sub_span(span: Span, start: int, length: int) -> Span:
    """`length` code points from `start` within a one-line span."""
    return Span(span.path, span.line, span.col + start, span.line, span.col + start + length)


class _Walker:
    def __init__(self, idx: FileIndex):
        self.idx = idx
        self.first_use: set[tuple[str, str]] = set()

    def module(self, module: ast.Module) -> None:
        for stmt in module.statements:
            self.statement(stmt, frozenset())

    def declare(self, kind: str, name: str, span: Span, whole: Span, detail: str = "") -> None:
        self.idx.decls.append(Symbol(kind, name, span, whole, detail))

    def statement(self, stmt, local: frozenset) -> None:
        kind = type(stmt).__name__
        if kind == "Settings":
            self.idx.blocks.append(("settings", stmt.span))
            for prop in stmt.props:
                self.expr(prop.value, local)
        elif kind == "Let":
            self.declare("let", stmt.name, stmt.name_span, stmt.span)
            self.expr(stmt.value, local)
        elif kind == "Import":
            target = os.path.normpath(os.path.join(os.path.dirname(self.idx.path), stmt.path))
            self.idx.imports.append((target, stmt.path_span))
        elif kind == "Decl":
            self.decl(stmt)
        elif kind == "LinkDecl":
            self.idx.blocks.append(("link", stmt.span))
            self.declare("link", f"{stmt.a} -- {stmt.b}", stmt.a_span, stmt.span)
            self.use(stmt.a, stmt.a_span)
            self.use(stmt.b, stmt.b_span)
            for prop in stmt.props:
                self.expr(prop.value, local)
        elif kind in ("Require", "Assert"):
            if stmt.name:
                self.declare(kind.lower(), stmt.name, stmt.name_span, stmt.span)
            self.comparison(stmt.cmp, local)
        elif kind == "For":
            self.expr(stmt.domain, local)
            self.statement(stmt.body, local | {stmt.var})
        elif kind == "Policy":
            self.declare("policy", stmt.name, stmt.name_span, stmt.span)
            for inner in stmt.body:
                self.statement(inner, local)
        elif kind == "Objective":
            self.expr(stmt.expr, local)
        elif kind == "Scenario":
            self.declare("scenario", stmt.name, stmt.name_span, stmt.span)
            for override in stmt.overrides:
                self.override(override)

    def decl(self, decl: ast.Decl) -> None:
        label = next((p.value.value for p in decl.props if p.name == "label" and isinstance(p.value, ast.Str)), "")
        self.declare(decl.kind, decl.name, decl.name_span, decl.span, label)
        self.idx.blocks.append((decl.kind, decl.span))
        if decl.base:
            self.use(decl.base, decl.base_span)
        for prop in decl.props:
            declares = FIRST_USE_DECLARES.get(prop.name)
            if declares:
                for item in _names_in(prop.value):
                    if (declares, item.dotted) not in self.first_use:
                        self.first_use.add((declares, item.dotted))
                        self.declare(declares, item.dotted, item.span, item.span)
            self.expr(prop.value, frozenset())

    def override(self, override: ast.Override) -> None:
        parts = override.target.parts
        if len(parts) >= 2:
            self.use(parts[1], sub_span(override.target.span, len(parts[0]) + 1, len(parts[1])))
        self.expr(override.value, frozenset())

    def comparison(self, cmp, local) -> None:
        if isinstance(cmp, ast.InRange):
            for e in (cmp.expr, cmp.lo, cmp.hi):
                self.expr(e, local)
        else:
            self.expr(cmp.left, local)
            self.expr(cmp.right, local)

    def expr(self, e, local: frozenset) -> None:
        if isinstance(e, ast.Name):
            if e.parts[0] not in local:
                self.use(e.parts[0], sub_span(e.span, 0, len(e.parts[0])))
        elif isinstance(e, ast.Call):
            self.idx.calls.append((e.func, e.func_span))
            for arg in e.args:
                self.expr(arg, local)
        elif isinstance(e, ast.ListExpr):
            for item in e.items:
                self.expr(item, local)
        elif isinstance(e, ast.BinOp):
            self.expr(e.left, local)
            self.expr(e.right, local)
        elif isinstance(e, ast.Neg):
            self.expr(e.operand, local)

    def use(self, name: str, span: Optional[Span]) -> None:
        if span is not None:
            self.idx.uses.append((name, span))


def _names_in(value) -> list[ast.Name]:
    if isinstance(value, ast.Name):
        return [value]
    if isinstance(value, ast.ListExpr):
        return [item for item in value.items if isinstance(item, ast.Name)]
    return []
