"""Pass: gather declarations into symbol tables, one per kind.

Duplicate names point at both places; an unknown or repeated property is an
error at the property. Demands and jobs share one namespace because
`served(...)`, `latency(...)` and `for` lists name either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from suanli.compiler.evaluate import suggest
from suanli.compiler.schema import SCHEMAS
from suanli.diagnostics import DiagnosticBag, Label, Span, error
from suanli.grammar import ast

KIND_TABLE = {"region": "regions", "node": "nodes", "demand": "workloads", "job": "workloads"}


@dataclass
class Decls:
    settings: dict[str, ast.Prop] = field(default_factory=dict)
    settings_span: Span | None = None
    lets: list[ast.Let] = field(default_factory=list)
    regions: dict[str, ast.Decl] = field(default_factory=dict)
    nodes: dict[str, ast.Decl] = field(default_factory=dict)
    workloads: dict[str, ast.Decl] = field(default_factory=dict)  # demand and job blocks
    links: list[ast.LinkDecl] = field(default_factory=list)
    statements: list[tuple[ast.Statement, str | None]] = field(default_factory=list)
    objective: ast.Objective | None = None
    scenarios: dict[str, ast.Scenario] = field(default_factory=dict)


def collect_names(modules: list[ast.Module], diags: DiagnosticBag) -> Decls:
    decls = Decls()
    collector = _Collector(decls, diags)
    for module in modules:
        for stmt in module.statements:
            collector.add(stmt)
    return decls


class _Collector:
    def __init__(self, decls: Decls, diags: DiagnosticBag):
        self.decls = decls
        self.diags = diags
        self.let_spans: dict[str, Span] = {}
        self.link_keys: dict[frozenset, ast.LinkDecl] = {}

    def add(self, stmt: ast.Statement) -> None:
        handler = getattr(self, "_" + type(stmt).__name__.lower(), None)
        if handler is not None:
            handler(stmt)

    def _settings(self, stmt: ast.Settings) -> None:
        self.decls.settings_span = self.decls.settings_span or stmt.span
        self._props(stmt.props, "settings", "settings", into=self.decls.settings)

    def _let(self, stmt: ast.Let) -> None:
        if stmt.name in self.let_spans:
            self._duplicate("constant", stmt.name, stmt.name_span, self.let_spans[stmt.name])
            return
        self.let_spans[stmt.name] = stmt.name_span
        self.decls.lets.append(stmt)

    def _decl(self, stmt: ast.Decl) -> None:
        table = getattr(self.decls, KIND_TABLE[stmt.kind])
        if stmt.name in table:
            self._duplicate(stmt.kind, stmt.name, stmt.name_span, table[stmt.name].name_span)
            return
        table[stmt.name] = stmt
        self._props(stmt.props, stmt.kind, stmt.name)

    def _linkdecl(self, stmt: ast.LinkDecl) -> None:
        if stmt.a == stmt.b:
            self.diags.add(error("E0404", f"link from `{stmt.a}` to itself", stmt.span,
                                 "both ends are the same region", help="a link joins two regions"))
            return
        key = frozenset((stmt.a, stmt.b))
        if key in self.link_keys:
            self._duplicate("link", f"{stmt.a} -- {stmt.b}", stmt.span, self.link_keys[key].span)
            return
        self.link_keys[key] = stmt
        self.decls.links.append(stmt)
        self._props(stmt.props, "link", f"{stmt.a} -- {stmt.b}")

    def _require(self, stmt, policy: str | None = None) -> None:
        self.decls.statements.append((stmt, policy))

    _assert = _for = _require

    def _policy(self, stmt: ast.Policy) -> None:
        for inner in stmt.body:
            self.decls.statements.append((inner, stmt.name))

    def _objective(self, stmt: ast.Objective) -> None:
        if self.decls.objective is not None:
            self._duplicate("objective", "objective", stmt.span, self.decls.objective.span)
            return
        self.decls.objective = stmt

    def _scenario(self, stmt: ast.Scenario) -> None:
        if stmt.name in self.decls.scenarios:
            self._duplicate("scenario", stmt.name, stmt.name_span,
                            self.decls.scenarios[stmt.name].name_span)
            return
        self.decls.scenarios[stmt.name] = stmt

    def _props(self, props, kind: str, owner: str, into: dict | None = None) -> dict:
        seen: dict[str, ast.Prop] = {} if into is None else into
        schema = SCHEMAS[kind]
        for prop in props:
            if prop.name not in schema:
                self.diags.add(error(
                    "E0405", f"unknown property `{prop.name}` for {kind}", prop.name_span,
                    f"{kind} has no `{prop.name}`",
                    help=suggest(prop.name, schema) or f"{kind} properties: {', '.join(schema)}"))
            elif prop.name in seen:
                self._duplicate("property", f"{owner}.{prop.name}", prop.name_span,
                                seen[prop.name].name_span)
            else:
                seen[prop.name] = prop
        return seen

    def _duplicate(self, what: str, name: str, span: Span, first: Span) -> None:
        self.diags.add(error("E0402", f"duplicate {what} `{name}`", span, "defined again here",
                             extra=[Label(first, "first defined here")],
                             help="names are unique per kind; rename or remove one"))


def prop_map(decl) -> dict[str, ast.Prop]:
    """The first occurrence of each property of a block (duplicates were reported)."""
    out: dict[str, ast.Prop] = {}
    for prop in decl.props:
        out.setdefault(prop.name, prop)
    return out
