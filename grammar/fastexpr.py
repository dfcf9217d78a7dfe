"""Expressions for the fast parse path, and the state every rule shares.

`ExprParser` holds one parse: the token lists of `fastlex.Tokens` indexed by
token number, and helpers that make leaves and spans from them. Its
expression rules mirror suanli.lark (`sum`, `product`, `unary`, `atom`) and
return (node, index after it, depth), the depth counted as
`SpecBuilder._nested` counts it so that exactly the inputs Lark rejects with
E0004 fall back. Spans follow `transform.make_span`: from the first token
or child to the last; parentheses are not nodes.
"""

from __future__ import annotations

from fractions import Fraction

from suanli.diagnostics import Span
from suanli.grammar import ast
from suanli.grammar.fastlex import NAME, NUMBER, STRING, Fallback, number_value, string_value
from suanli.grammar.fastlex import tokenize
from suanli.grammar.fastnodes import maker
from suanli.grammar.literals import MAX_DEPTH  # see grammar/parser.RECURSION_LIMIT

__all__ = ["ExprParser", "MAX_DEPTH"]


_Span, _Name, _Num = maker(Span), maker(ast.Name), maker(ast.Num)
_Quantity, _BinOp, _Neg = maker(ast.Quantity), maker(ast.BinOp), maker(ast.Neg)
_Call, _List = maker(ast.Call), maker(ast.ListExpr)
_BINARY = frozenset(("+", "-", "*", "/"))


class ExprParser:
    """One parse, over the token lists of `fastlex.Tokens` (`kind`, `text`,
    `line`, `col`, `end_col`, `after_comment`), indexed by token number."""

    def __init__(self, text: str, path: str) -> None:
        toks = tokenize(text)
        if toks is None:
            raise Fallback
        self.path, self.source, self.comment_list = path, text, toks.comments
        self.kind, self.text = toks.kind, toks.text
        self.line, self.col, self.end_col = toks.line, toks.col, toks.end_col
        self.after_comment = toks.after_comment
        self.numbers: dict[str, tuple[Fraction, bool]] = {}  # text -> (value, percent)
        self.nesting = 0  # open ( [ and calls: bounds the recursion

    def tspan(self, i: int) -> Span:
        """The span of token i."""
        line = self.line[i]
        return _Span(self.path, line, self.col[i], line, self.end_col[i])

    def number_atom(self, i: int):
        """`NUMBER -> num`, `PERCENT -> percent` or `NUMBER NAME -> quantity`
        at token i, as (node, index after, depth). Hot: helpers inlined."""
        kind, text, line, col, end_col, path = (self.kind, self.text, self.line, self.col,
                                                self.end_col, self.path)
        literal = text[i]
        value, percent = self.numbers.get(literal) or self.cache_number(literal)
        start = line[i]
        num = _Num(value, literal, _Span(path, start, col[i], start, end_col[i]), percent)
        unit = i + 1  # a NAME here, unless it is a PROP_NAME, makes a quantity:
        if kind[unit] is not NAME or percent or (kind[unit + 1] == "=" and
                                                  unit + 1 not in self.after_comment):
            return num, unit, 1
        end = line[unit]
        name = _Name((text[unit],), _Span(path, end, col[unit], end, end_col[unit]))
        return _Quantity(num, name, _Span(path, start, col[i], end, end_col[unit])), i + 2, 1

    def cache_number(self, literal: str) -> tuple[Fraction, bool]:
        if literal[-1] == "%":
            value = self.numbers[literal] = (number_value(literal[:-1]) / 100, True)
        else:
            value = self.numbers[literal] = (number_value(literal), False)
        return value

    def is_prop_name(self, i: int) -> bool:
        """Would Lark type NAME token i PROP_NAME? That is, is it followed by
        `=` with only whitespace (no comment) in between?"""
        return self.kind[i + 1] == "=" and i + 1 not in self.after_comment

    def span(self, a: int, b: int) -> Span:
        """From the start of token a to the end of token b."""
        return _Span(self.path, self.line[a], self.col[a], self.line[b], self.end_col[b])

    def span_to(self, a: int, last) -> Span:
        """From the start of token a to the end of node `last`."""
        s = last.span
        return _Span(self.path, self.line[a], self.col[a], s.end_line, s.end_col)

    def span_nodes(self, first, last) -> Span:
        a, b = first.span, last.span
        return _Span(self.path, a.line, a.col, b.end_line, b.end_col)

    def expect(self, i: int, kind: str) -> int:
        if self.kind[i] != kind:
            raise Fallback
        return i + 1

    def name_at(self, i: int) -> int:
        if self.kind[i] is not NAME:
            raise Fallback
        return i + 1

    # ------------------------------------------------- expressions: (node, next, depth)

    def expr(self, i: int):
        """sum: product ((+|-) product)*; product: unary ((*|/) unary)*."""
        if self.kind[i] is NUMBER:  # the commonest start, one call saved
            left, i, depth = self.number_atom(i)
        else:
            left, i, depth = self.unary(i)
        if self.kind[i] in _BINARY:
            return self.binary(left, i, depth)
        return left, i, depth

    def binary(self, left, i: int, depth: int):
        """The rest of an expression after its first unary, `left`."""
        kind = self.kind
        left, i, depth = self.product_rest(left, i, depth)
        while kind[i] == "+" or kind[i] == "-":
            right, after, right_depth = self.unary(i + 1)
            right, after, right_depth = self.product_rest(right, after, right_depth)
            left, depth = self.binop(left, i, right, depth, right_depth)
            i = after
        return left, i, depth

    def product_rest(self, left, i: int, depth: int):
        kind = self.kind
        while kind[i] == "*" or kind[i] == "/":
            right, after, right_depth = self.unary(i + 1)
            left, depth = self.binop(left, i, right, depth, right_depth)
            i = after
        return left, i, depth

    def binop(self, left, op: int, right, depth: int, right_depth: int):
        if right_depth > depth:
            depth = right_depth
        if depth >= MAX_DEPTH:
            raise Fallback
        ls, rs = left.span, right.span
        span = _Span(self.path, ls.line, ls.col, rs.end_line, rs.end_col)
        return _BinOp(self.kind[op], left, right, self.span(op, op), span), depth + 1

    def unary(self, i: int):
        kind = self.kind
        k = kind[i]
        if k is NUMBER:
            return self.number_atom(i)
        if k is NAME:
            return self.name_or_call(i)
        if k == "-":
            return self.neg(i)
        if k == "(":
            return self.paren(i)
        if k == "[":
            return self.list_expr(i)
        if k is STRING:
            return ast.Str(string_value(self.text[i]), self.span(i, i)), i + 1, 1
        if k == "true" or k == "false":
            return ast.Bool(k == "true", self.span(i, i)), i + 1, 1
        raise Fallback

    def neg(self, i: int):
        """MINUS unary, for a run of minus signs without recursion."""
        first = i
        while self.kind[i] == "-":
            i += 1
        operand, after, depth = self.unary(i)
        for minus in range(i - 1, first - 1, -1):
            if depth >= MAX_DEPTH:
                raise Fallback
            operand, depth = _Neg(operand, self.span_to(minus, operand)), depth + 1
        return operand, after, depth

    def paren(self, i: int):
        self.enter()
        inner, after, depth = self.expr(i + 1)
        self.nesting -= 1
        if depth >= MAX_DEPTH:
            raise Fallback
        return inner, self.expect(after, ")"), depth + 1

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:  # then some node is deeper than MAX_DEPTH
            raise Fallback

    def name_or_call(self, i: int):
        kind = self.kind
        if kind[i + 1] == "(":
            args, close, depth = self.args(i + 2, ")")
            return _Call(self.text[i], self.tspan(i), args, self.span(i, close)), close + 1, depth
        if kind[i + 1] != "." or kind[i + 2] is not NAME:
            line = self.line[i]
            span = _Span(self.path, line, self.col[i], line, self.end_col[i])
            return _Name((self.text[i],), span), i + 1, 1
        parts, last = [self.text[i]], i
        while kind[last + 1] == "." and kind[last + 2] is NAME:
            last += 2
            parts.append(self.text[last])
        return _Name(tuple(parts), self.span(i, last)), last + 1, 1

    def list_expr(self, i: int):
        items, close, depth = self.args(i + 1, "]")
        return _List(items, self.span(i, close)), close + 1, depth

    def args(self, i: int, closer: str):
        """`[expr (, expr)* ,?] closer`: (items, index of closer, depth of the node)."""
        kind = self.kind
        if kind[i] == closer:
            return (), i, 1
        self.enter()
        items, depth = [], 0
        while True:
            item, i, item_depth = self.expr(i)
            items.append(item)
            if item_depth > depth:
                depth = item_depth
            if kind[i] == ",":
                i += 1
                if kind[i] == closer:
                    break
            elif kind[i] == closer:
                break
            else:
                raise Fallback
        self.nesting -= 1
        if depth >= MAX_DEPTH:
            raise Fallback
        return tuple(items), i, depth + 1
