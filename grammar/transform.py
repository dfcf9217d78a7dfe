"""Lark reductions -> frozen AST nodes, in one pass while parsing.

`SpecBuilder` is passed to `Lark(transformer=...)`, so LALR calls one method
per reduction with the rule's kept children (named terminals are kept, `_X`
terminals are dropped) and no generic parse tree is ever built. The inline
mode gets no Lark `meta`, so spans come from the first and last kept token or
child node through the one helper `make_span`; rules keep their closing token
(`RBRACE`, `RPAR`, `RSQB`) for that reason.

Three things are checked here because only the token text knows them: number
literals (exact `Fraction`s, range-limited), string escapes, and nesting depth
(bounded so that no later recursive pass can hit RecursionError).
"""

from __future__ import annotations

from fractions import Fraction

from lark import Token

from suanli.diagnostics import Diagnostic, Span, error, escape_control
from suanli.grammar import ast
from suanli.grammar.literals import MAX_DEPTH, MAX_DIGITS, MAX_EXPONENT, NumberError, number_value, unescape


def make_span(path: str, first: Token | Span, last: Token | Span) -> Span:
    """The one place spans are made: from the start of `first` to the end
    of `last`, each a Lark token (1-based columns, end exclusive) or a span."""
    if type(first) is Span:
        line, col = first.line, first.col
    else:
        line, col = first.line, first.column
    if type(last) is Span:
        return Span(path, line, col, last.end_line, last.end_col)
    return Span(path, line, col, last.end_line, last.end_column)


def _depth_of(depths: dict, node) -> int:
    entry = depths.get(id(node))
    return 1 if entry is None else entry[1]


class SpecBuilder:
    """Inline transformer. Per-parse state is set by `reset` (the parser
    holds a lock around each parse, since Lark binds one instance)."""

    def __init__(self) -> None:
        self.reset("<input>")

    def reset(self, path: str) -> None:
        self.path = path
        self.diags: list[Diagnostic] = []
        self.comments: list[Token] = []
        # id(node) -> (node, depth) for composite nodes; the node is kept so
        # its id cannot be reused while the parse runs.
        self.depths: dict[int, tuple[object, int]] = {}

    # ------------------------------------------------------------ helpers

    def comment(self, tok: Token) -> Token:
        """Lexer callback for the ignored COMMENT terminal."""
        self.comments.append(tok)
        return tok

    def _span(self, first, last) -> Span:
        return make_span(self.path, first, last)

    def _nested(self, node, children, span: Span):
        """Record the depth of `node`; past MAX_DEPTH report E0004 once and
        return the deepest child instead, so the tree stays bounded."""
        depths = self.depths
        deepest, dmax = None, 0
        for child in children:
            d = _depth_of(depths, child)
            if d > dmax:
                deepest, dmax = child, d
        if dmax < MAX_DEPTH:
            if dmax:
                depths[id(node)] = (node, dmax + 1)
            return node
        if dmax == MAX_DEPTH:
            self.diags.append(error(
                "E0004", f"nesting too deep: more than {MAX_DEPTH} levels", span,
                "this is nested too deeply",
                help="split the expression with `let` constants or remove redundant parentheses"))
        depths[id(deepest)] = (deepest, MAX_DEPTH + 1)
        return deepest

    def _num(self, tok: Token, text: str, percent: bool) -> ast.Num:
        span = self._span(tok, tok)
        try:
            value = number_value(text)
        except NumberError as exc:
            self.diags.append(error(
                "E0104", f"number out of range: {exc}", span, "this number",
                help=f"write numbers with at most {MAX_DIGITS} digits and an exponent "
                     f"within ±{MAX_EXPONENT}, or use a larger unit"))
            value = Fraction(0)
        if percent:
            value /= 100
        return ast.Num(value, str(tok), span, percent)

    def _str(self, tok: Token) -> ast.Str:
        span = self._span(tok, tok)
        value, bad = unescape(tok[1:-1])
        if bad is not None:
            col = tok.column + 1 + bad
            ch = escape_control(tok[1 + bad: 3 + bad] if tok[1 + bad] == "\\" else tok[1 + bad])
            self.diags.append(error(
                "E0105", f"invalid character or escape `{ch}` in string",
                Span(self.path, tok.line, col, tok.line, col + len(ch)), "not allowed here",
                help='strings may contain `\\"` and `\\\\` escapes and no control characters'))
        return ast.Str(value, span)

    # -------------------------------------------------------- expressions

    def num(self, c):
        return self._num(c[0], c[0], False)

    def percent(self, c):
        return self._num(c[0], c[0][:-1], True)

    def quantity(self, c):
        number, unit = c
        unit_node = ast.Name((str(unit),), self._span(unit, unit))
        return ast.Quantity(self._num(number, number, False), unit_node, self._span(number, unit))

    def string(self, c):
        return self._str(c[0])

    def true(self, c):
        return ast.Bool(True, self._span(c[0], c[0]))

    def false(self, c):
        return ast.Bool(False, self._span(c[0], c[0]))

    def name(self, c):
        return ast.Name(tuple(map(str, c)), self._span(c[0], c[-1]))

    def call(self, c):
        args = tuple(x for x in c[2:-1] if x is not None)
        span = self._span(c[0], c[-1])
        node = ast.Call(str(c[0]), self._span(c[0], c[0]), args, span)
        return self._nested(node, args, span)

    def list(self, c):
        items = tuple(x for x in c[1:-1] if x is not None)
        span = self._span(c[0], c[-1])
        return self._nested(ast.ListExpr(items, span), items, span)

    def paren(self, c):
        inner = c[1]
        return self._nested(inner, (inner,), self._span(c[0], c[2]))

    def binop(self, c):
        left, op, right = c
        span = self._span(left.span, right.span)
        node = ast.BinOp(str(op), left, right, self._span(op, op), span)
        return self._nested(node, (left, right), span)

    def neg(self, c):
        minus, operand = c
        span = self._span(minus, operand.span)
        return self._nested(ast.Neg(operand, span), (operand,), span)

    def value(self, c):
        return c[0]

    # --------------------------------------------------------- statements

    def module(self, c):
        return c

    def prop(self, c):
        name, _, value = c
        return ast.Prop(str(name), self._span(name, name), value, self._span(name, value.span))

    def settings(self, c):
        return ast.Settings(tuple(c[1:-1]), self._span(c[0], c[-1]))

    def let(self, c):
        kw, name, _, value = c
        return ast.Let(str(name), self._span(name, name), value, self._span(kw, value.span))

    def import_stmt(self, c):
        kw, path = c
        return ast.Import(self._str(path).value, self._span(path, path), self._span(kw, path))

    def decl(self, c):
        kw, name = c[0], c[1]
        return ast.Decl(str(kw), str(name), self._span(name, name), tuple(c[2:-1]),
                        self._span(kw, c[-1]))

    def node_decl(self, c):
        kw, name, _, base = c[:4]
        return ast.Decl("node", str(name), self._span(name, name), tuple(c[4:-1]),
                        self._span(kw, c[-1]), None if base is None else str(base),
                        None if base is None else self._span(base, base))

    def link(self, c):
        kw, a, b = c[:3]
        return ast.LinkDecl(str(a), self._span(a, a), str(b), self._span(b, b),
                            tuple(c[3:-1]), self._span(kw, c[-1]))

    def compare(self, c):
        left, op, right = c
        return ast.Compare(str(op), left, right, self._span(op, op),
                           self._span(left.span, right.span))

    def in_range(self, c):
        expr, _, lo, hi = c
        return ast.InRange(expr, lo, hi, self._span(expr.span, hi.span))

    def year_range(self, c):
        lo, hi = c
        return ast.YearRange(lo, hi, self._span(lo.span, hi.span))

    def sched_entry(self, c):
        value, _, year = c
        return ast.ScheduleEntry(value, year, self._span(value.span, year.span))

    def schedule(self, c):
        return ast.Schedule(tuple(c), self._span(c[0].span, c[-1].span))

    def at_clause(self, c):
        return c[1]

    def _one_at(self, before, after):
        """`require at Y: NAME: ...` or `require NAME: at Y: ...`, not both."""
        if before is not None and after is not None:
            self.diags.append(error(
                "E0809", "a statement has two `at` clauses", after.span, "second `at`",
                help="write one `at YEAR:`, before or after the statement's name"))
        return before if before is not None else after

    def label(self, c):
        return c[0], c[1]  # (NAME token, the `at` after it or None)

    def require(self, c):
        kw, at, label, cmp = c
        name, at2 = label or (None, None)
        at = self._one_at(at, at2)
        name_span = None if name is None else self._span(name, name)
        return ast.Require(None if name is None else str(name), name_span, cmp,
                           self._span(kw, cmp.span), at)

    def assert_stmt(self, c):
        kw, level, at, label, cmp = c
        name, at2 = label or (None, None)
        at = self._one_at(at, at2)
        name_span = None if name is None else self._span(name, name)
        return ast.Assert(None if name is None else str(name), name_span, cmp,
                          self._span(kw, cmp.span), advisory=level == "advisory", at=at)

    def for_stmt(self, c):
        kw, var, _, domain, body = c
        span = self._span(kw, body.span)
        node = ast.For(str(var), self._span(var, var), domain, body, span)
        return self._nested(node, (body,), span)

    def policy(self, c):
        return ast.Policy(str(c[1]), self._span(c[1], c[1]), tuple(c[2:-1]),
                          self._span(c[0], c[-1]))

    def objective(self, c):
        kw, _, sense, expr = c
        return ast.Objective(str(sense), expr, self._span(kw, expr.span))

    def scenario(self, c):
        return ast.Scenario(str(c[1]), self._span(c[1], c[1]), tuple(c[2:-1]),
                            self._span(c[0], c[-1]))

    def target(self, c):
        return ast.Name(tuple(map(str, c)), self._span(c[0], c[-1]))

    def override(self, c):
        target, op, value = c
        return ast.Override(target, str(op), value, self._span(target.span, value.span))
