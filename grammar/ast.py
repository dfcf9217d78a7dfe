"""The frozen syntax tree of a `.spec` file.

The parser builds only these nodes; every node carries the `Span` of the text
it came from. No semantics here: names are not resolved, units are not
checked, numbers are kept as exact `Fraction`s with their source text.

Expressions
-----------
`Num` (a literal; `percent` marks `80%`, whose value is already 0.8),
`Name` (an identifier or dotted path: a `let` constant, a unit, a metric such
as `cost.site`, a selector), `Call` (a metric with selectors, `compute(ai, west)`,
or `tag(west)` in a `for` domain), `Quantity` (a number directly followed by a
unit expression, `0.35 CNY/kWh` parses as BinOp(/, Quantity(0.35, CNY), kWh)),
`BinOp`, `Neg`, `Str`, `Bool`, `ListExpr`.

Statements
----------
`Settings`, `Let`, `Import`, `Decl` (region/node/demand/job), `LinkDecl`,
`Require`, `Assert`, `For`, `Policy`, `Objective`, `Scenario`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Union, dataclass_transform

from suanli.diagnostics import Span


@dataclass_transform(frozen_default=True)
def node(cls):
    """Every syntax node: an immutable dataclass with slots (one place says so)."""
    return dataclass(frozen=True, slots=True)(cls)


# ---------------------------------------------------------------- expressions


@node
class Num:
    value: Fraction
    text: str  # as written, e.g. "1_000", "30e6", "80%"
    span: Span
    percent: bool = False


@node
class Name:
    parts: tuple[str, ...]  # ("cost", "site") for `cost.site`; ("beijing",) for `beijing`
    span: Span

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@node
class Str:
    value: str  # unescaped
    span: Span


@node
class Bool:
    value: bool
    span: Span


@node
class ListExpr:
    items: tuple["Expr", ...]
    span: Span


@node
class Call:
    func: str  # metric or domain function: compute, nodes, served, tag, ...
    func_span: Span
    args: tuple["Expr", ...]
    span: Span


@node
class Quantity:
    """A number written directly before a unit: `60 MW`, `3640 PFLOPS`."""

    number: Num
    unit: Name
    span: Span


@node
class BinOp:
    op: str  # one of + - * /
    left: "Expr"
    right: "Expr"
    op_span: Span
    span: Span


@node
class Neg:
    operand: "Expr"
    span: Span


Expr = Union[Num, Name, Str, Bool, ListExpr, Call, Quantity, BinOp, Neg]

# ---------------------------------------------------------------- comparisons


@node
class Compare:
    op: str  # one of <= >= ==
    left: Expr
    right: Expr
    op_span: Span
    span: Span


@node
class InRange:
    """`expr in lo .. hi` (inclusive on both ends)."""

    expr: Expr
    lo: Expr
    hi: Expr
    span: Span


Comparison = Union[Compare, InRange]

# ------------------------------------------------- multi-year values (§8)


@node
class YearRange:
    """`2026 .. 2030` as a property value (`years` in settings and on demands)."""

    lo: Expr
    hi: Expr
    span: Span


@node
class ScheduleEntry:
    """`V from Y` of a schedule."""

    value: Expr
    year: Expr
    span: Span


@node
class Schedule:
    """`V1 from Y1, V2 from Y2, ...`: a property whose value changes by year."""

    entries: tuple[ScheduleEntry, ...]
    span: Span


PropValue = Union[Expr, YearRange, Schedule]

# ---------------------------------------------------------------- statements


@node
class Prop:
    name: str
    name_span: Span
    value: PropValue
    span: Span


@node
class Settings:
    props: tuple[Prop, ...]
    span: Span


@node
class Let:
    name: str
    name_span: Span
    value: Expr
    span: Span


@node
class Import:
    path: str
    path_span: Span
    span: Span


@node
class Decl:
    """`region`, `node`, `demand` or `job` block."""

    kind: str  # "region" | "node" | "demand" | "job"
    name: str
    name_span: Span
    props: tuple[Prop, ...]
    span: Span
    base: str | None = None  # `node x extends base` (grammar allows it on node only)
    base_span: Span | None = None


@node
class LinkDecl:
    a: str
    a_span: Span
    b: str
    b_span: Span
    props: tuple[Prop, ...]
    span: Span


@node
class Require:
    name: str | None
    name_span: Span | None
    cmp: Comparison
    span: Span
    at: Expr | None = None  # `require at Y: ...` (§8)


@node
class Assert:
    name: str | None
    name_span: Span | None
    cmp: Comparison
    span: Span
    advisory: bool = False  # `assert advisory ...`; `assert mandatory ...` is the default
    at: Expr | None = None  # `assert at Y: ...` (§8)


@node
class For:
    var: str
    var_span: Span
    domain: Expr  # Name (regions|nodes|demands|jobs), Call tag(T), or ListExpr
    body: "Statement"  # Require, Assert or a nested For
    span: Span


@node
class Policy:
    name: str
    name_span: Span
    body: tuple["Statement", ...]  # Require, Assert, For
    span: Span


@node
class Objective:
    sense: str  # "minimize" | "maximize"
    expr: Expr
    span: Span


@node
class Override:
    target: Name  # kind.name.prop, e.g. region.guizhou.power_price
    op: str  # one of = *= += -=
    value: PropValue
    span: Span


@node
class Scenario:
    name: str
    name_span: Span
    overrides: tuple[Override, ...]
    span: Span


Statement = Union[Settings, Let, Import, Decl, LinkDecl, Require, Assert, For, Policy,
                  Objective, Scenario]


@node
class Comment:
    text: str  # including the leading '#', without the newline
    span: Span


@node
class Module:
    path: str
    statements: tuple[Statement, ...]
    comments: tuple[Comment, ...]
    span: Span
