"""`suanli fmt`: print a Module in the one canonical layout.

The layout (the style of LANGUAGE.md §1):
- 2-space indentation inside `{ }`; one property, policy statement or
  scenario override per line, never a `;`; an empty block is `region a {}`.
- Top level: exactly one blank line before and after every block statement
  (settings, region, node, link, demand, job, policy, scenario). Between two
  one-line statements (let, import, require, assert, for, objective), and
  between the lines inside a block, one blank line is kept where the source
  had at least one blank line, and none otherwise. No blank line directly
  after `{` or before `}`.
- Spaces around binary operators and comparisons, `link a -- b`,
  `x in lo .. hi`, `f(a, b)`, `[a, b]`. One exception keeps units readable:
  a `/` whose left side is a quantity (or such a unit quotient) and whose
  right side is a plain name is written tight: `0.35 CNY/kWh`,
  `2 GFLOPS/GB`.
- Numbers exactly as written (`Num.text`); strings re-escaped.
- Parentheses: the AST has no parenthesis node, so the printer adds exactly
  the ones the tree needs (`(a + b) * c`, `a - (b - c)`, `-(a * b)`);
  redundant user parentheses are dropped, and a double minus is `- -a`.
  So the output never nests deeper than the input (see MAX_DEPTH).
- Comments are kept. A full-line comment stays before the statement or
  property that follows it (or before `}` / at the end of the file when
  nothing follows); an end-of-line comment stays at the end of its line,
  two spaces after the code. When a statement written over several lines
  carries several end-of-line comments, all but the last move above it.
- No trailing whitespace; the file ends with exactly one newline (an empty
  module formats to the empty string).

`format_source` checks itself like black: the output must parse to the same
AST (spans ignored, comments compared in order) and format to itself again;
otherwise it raises `FormatterBug`, an internal error, not a diagnostic.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass

from suanli.diagnostics import CompileError
from suanli.grammar import ast
from suanli.grammar.fmt_layout import Emitter

__all__ = ["format_source", "format_module", "format_expr", "strip_spans", "FormatterBug"]

_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}
_ATOM = 4


class FormatterBug(RuntimeError):
    """The formatter changed the meaning of a spec or is not idempotent."""


def format_source(text: str, path: str) -> str:
    """Format spec text; raise CompileError on syntax errors."""
    from suanli.grammar.parser import parse

    module, diags = parse(text, path)
    if module is None:
        raise CompileError(diags)
    out = format_module(module)
    again, _ = parse(out, path)
    if again is None or strip_spans(again) != strip_spans(module):
        raise FormatterBug(f"formatting {path} changed its syntax tree")
    if format_module(again) != out:
        raise FormatterBug(f"formatting {path} is not idempotent")
    return out


def format_module(module: ast.Module) -> str:
    emitter = Emitter(format_line, block_parts)
    emitter.items(module.statements, module.comments, 0, top=True)
    return emitter.text()


def strip_spans(node):
    """A span-free, comparable copy of an AST: (TypeName, field values...)."""
    if isinstance(node, tuple):
        return tuple(strip_spans(item) for item in node)
    if is_dataclass(node) and not isinstance(node, type):
        values = tuple(strip_spans(getattr(node, f.name)) for f in fields(node)
                       if f.name != "span" and not f.name.endswith("_span"))
        return (type(node).__name__,) + values
    return node


# ------------------------------------------------------------ expressions


def format_expr(expr: ast.Expr, min_prec: int = 0) -> str:
    text, prec = _expr(expr)
    return f"({text})" if prec < min_prec else text


def _expr(e) -> tuple[str, int]:
    kind = type(e)
    if kind is ast.Num:
        return e.text, _ATOM
    if kind is ast.Name:
        return e.dotted, _ATOM
    if kind is ast.Quantity:
        return f"{e.number.text} {e.unit.dotted}", _ATOM
    if kind is ast.BinOp:
        return _binop(e), _PREC[e.op]
    if kind is ast.Neg:
        operand = format_expr(e.operand, 3)
        return ("- " if operand.startswith("-") else "-") + operand, 3  # `--` is a token
    if kind is ast.Call:
        return f"{e.func}({', '.join(format_expr(a) for a in e.args)})", _ATOM
    if kind is ast.ListExpr:
        return f"[{', '.join(format_expr(a) for a in e.items)}]", _ATOM
    if kind is ast.Str:
        return quote(e.value), _ATOM
    if kind is ast.Bool:
        return ("true" if e.value else "false"), _ATOM
    raise TypeError(f"not an expression: {e!r}")


def _binop(e: ast.BinOp) -> str:
    prec = _PREC[e.op]
    left = format_expr(e.left, prec)
    right = format_expr(e.right, prec + 1)  # left-associative: `a - (b - c)`
    if _is_unit_quotient(e):
        return f"{left}/{right}"
    return f"{left} {e.op} {right}"


def _is_unit_quotient(e) -> bool:
    """`0.35 CNY/kWh`: a quantity divided by plain unit names."""
    if type(e) is not ast.BinOp or e.op != "/":
        return type(e) is ast.Quantity
    return (type(e.right) is ast.Name and len(e.right.parts) == 1
            and _is_unit_quotient(e.left))


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_value(value) -> str:
    """A property or override value: an expression, a year range or a schedule."""
    kind = type(value)
    if kind is ast.YearRange:
        return f"{format_expr(value.lo)} .. {format_expr(value.hi)}"
    if kind is ast.Schedule:
        return ", ".join(f"{format_expr(e.value)} from {format_expr(e.year)}"
                         for e in value.entries)
    return format_expr(value)


def _at(item) -> str:
    return "" if item.at is None else f"at {format_expr(item.at)}: "


def _comparison(cmp) -> str:
    if type(cmp) is ast.InRange:
        return f"{format_expr(cmp.expr)} in {format_expr(cmp.lo)} .. {format_expr(cmp.hi)}"
    return f"{format_expr(cmp.left)} {cmp.op} {format_expr(cmp.right)}"


# ------------------------------------------------------------- statements


def format_line(item) -> str:
    """The one-line text of a property, override or non-block statement."""
    kind = type(item)
    if kind is ast.Prop:
        return f"{item.name} = {format_value(item.value)}"
    if kind is ast.Override:
        return f"{item.target.dotted} {item.op} {format_value(item.value)}"
    if kind is ast.Let:
        return f"let {item.name} = {format_expr(item.value)}"
    if kind is ast.Import:
        return f"import {quote(item.path)}"
    if kind is ast.Require:
        label = f"{item.name}: " if item.name is not None else ""
        return f"require {_at(item)}{label}{_comparison(item.cmp)}"
    if kind is ast.Assert:
        level = "advisory " if item.advisory else ""
        label = f"{item.name}: " if item.name is not None else ""
        return f"assert {level}{_at(item)}{label}{_comparison(item.cmp)}"
    if kind is ast.For:
        return f"for {item.var} in {format_expr(item.domain)}: {format_line(item.body)}"
    if kind is ast.Objective:
        return f"objective = {item.sense} {format_expr(item.expr)}"
    raise TypeError(f"not a one-line statement: {item!r}")


def block_parts(item) -> tuple[str, tuple] | None:
    """(header, children) of a block statement; None for one-line items."""
    kind = type(item)
    if kind is ast.Settings:
        return "settings", item.props
    if kind is ast.Decl:
        base = f" extends {item.base}" if item.base is not None else ""
        return f"{item.kind} {item.name}{base}", item.props
    if kind is ast.LinkDecl:
        return f"link {item.a} -- {item.b}", item.props
    if kind is ast.Policy:
        return f"policy {item.name}", item.body
    if kind is ast.Scenario:
        return f"scenario {item.name}", item.overrides
    return None
