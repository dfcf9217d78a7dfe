"""The fast path of `parse`: a hand-written parser for valid specs.

`parse_fast(text, path)` builds exactly the `Module` the Lark path builds
(same nodes, fields, spans, `Fraction`s, comments) for every input it
accepts, and returns None for anything else: a token it does not expect, a
character no token matches, a number or string the Lark path would report,
nesting past MAX_DEPTH. `parse` then runs the Lark path, which writes the
diagnostics, so no error message is made here.

Three modules: `fastlex` makes Lark's tokens (and the values of number and
string tokens), `fastexpr` parses expressions, this one statements. The
parser is recursive descent over token indices and mirrors suanli.lark rule
by rule; method names are rule names. Objects are built by `fastnodes`
twins, 2-3x cheaper than the frozen dataclasses' own __init__. Nothing here
imports Lark, so a valid spec never builds the Lark parser.
"""

from __future__ import annotations

import gc

from suanli.diagnostics import Span
from suanli.grammar import ast
from suanli.grammar.fastexpr import MAX_DEPTH, ExprParser
from suanli.grammar.fastlex import END, NAME, STRING, Fallback, number_value, string_value
from suanli.grammar.fastnodes import maker

__all__ = ["parse_fast", "Fallback", "MAX_DEPTH", "number_value", "string_value"]

_Span, _Name, _Prop = maker(Span), maker(ast.Name), maker(ast.Prop)
_Decl, _Compare = maker(ast.Decl), maker(ast.Compare)

_CMP = frozenset(("<=", ">=", "=="))
_OVERRIDE_OPS = frozenset(("=", "*=", "+=", "-="))
_TARGET_HEADS = frozenset(("settings", "let", "region", "node", "link", "demand", "job"))


def parse_fast(text: str, path: str) -> ast.Module | None:
    """The Module of normalised `text` (see `parser.normalize_text`), or None
    when the Lark path has to parse it (it may or may not be valid)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a tree makes no cycles; collecting while it grows costs ~half the time
    try:
        return _Parser(text, path).module()
    except (Fallback, RecursionError):
        return None
    finally:
        if gc_was_enabled:
            gc.enable()


class _Parser(ExprParser):
    """The statement rules of suanli.lark; each returns (node, index after it)."""

    def module(self) -> ast.Module:
        kind, statements = self.kind, []
        dispatch = {"settings": self.settings, "let": self.let, "import": self.import_stmt,
                    "region": self.decl, "demand": self.decl, "job": self.decl,
                    "node": self.node_decl, "link": self.link, "require": self.require,
                    "assert": self.assert_stmt, "for": self.for_stmt, "policy": self.policy,
                    "objective": self.objective, "scenario": self.scenario}
        i = 0
        while True:
            k = kind[i]
            if k == ";":
                i += 1
                continue
            if k is END:
                break
            rule = dispatch.get(k)
            if rule is None:
                raise Fallback
            node, i = rule(i)
            statements.append(node)
        return ast.Module(self.path, tuple(statements), self.comments(), self.module_span())

    def comments(self) -> tuple[ast.Comment, ...]:
        out = []
        for text, line, col in self.comment_list:
            text = text.rstrip()
            out.append(ast.Comment(text, Span(self.path, line, col, line, col + len(text))))
        return tuple(out)

    def module_span(self) -> Span:
        text = self.source
        return Span(self.path, 1, 1, text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1)

    def props(self, i: int) -> tuple[tuple[ast.Prop, ...], int]:
        """`(prop | ;)* }` from token i: the props and the index of the `}`.
        The hottest loop: helpers are inlined."""
        kind, text, line, col = self.kind, self.text, self.line, self.col
        end_col, after_comment, path, expr = self.end_col, self.after_comment, self.path, self.expr
        out = []
        while True:
            k = kind[i]
            if k is NAME:  # PROP_NAME: `=` next, no comment between
                if kind[i + 1] != "=" or i + 1 in after_comment:
                    raise Fallback
                value, after, _ = expr(i + 2)
                if kind[after] == ".." or kind[after] == "from":
                    value, after = self.prop_tail(value, after)
                end, start = value.span, line[i]
                out.append(_Prop(text[i], _Span(path, start, col[i], start, end_col[i]), value,
                                 _Span(path, start, col[i], end.end_line, end.end_col)))
                i = after
            elif k == ";":
                i += 1
            elif k == "}":
                return tuple(out), i
            else:
                raise Fallback

    def prop_tail(self, value, i: int):
        """After a property's first expression at token i: `.. hi` (a year
        range) or `from Y, V from Y, ...` (a schedule), as (value, next)."""
        if self.kind[i] == "..":
            hi, after, _ = self.expr(i + 1)
            return ast.YearRange(value, hi, self.span_nodes(value, hi)), after
        entries = []
        while True:
            year, i, _ = self.expr(self.expect(i, "from"))
            entries.append(ast.ScheduleEntry(value, year, self.span_nodes(value, year)))
            if self.kind[i] != ",":
                break
            value, i, _ = self.expr(i + 1)
        return ast.Schedule(tuple(entries), self.span_nodes(entries[0], entries[-1])), i

    def prop_value(self, i: int):
        """`_prop_value` at token i: an expression, a year range or a schedule."""
        value, after, _ = self.expr(i)
        if self.kind[after] == ".." or self.kind[after] == "from":
            return self.prop_tail(value, after)
        return value, after

    def settings(self, i: int):
        props, close = self.props(self.expect(i + 1, "{"))
        return ast.Settings(props, self.span(i, close)), close + 1

    def let(self, i: int):
        if self.kind[i + 1] is not NAME or not self.is_prop_name(i + 1):
            raise Fallback
        value, after, _ = self.expr(i + 3)
        return ast.Let(self.text[i + 1], self.tspan(i + 1), value, self.span_to(i, value)), after

    def import_stmt(self, i: int):
        if self.kind[i + 1] is not STRING:
            raise Fallback
        value = string_value(self.text[i + 1])
        return ast.Import(value, self.span(i + 1, i + 1), self.span(i, i + 1)), i + 2

    def decl(self, i: int):
        kind = self.kind
        if kind[i + 1] is not NAME or kind[i + 2] != "{":
            raise Fallback
        props, close = self.props(i + 3)
        return _Decl(self.text[i], self.text[i + 1], self.tspan(i + 1), props,
                     self.span(i, close), None, None), close + 1

    def node_decl(self, i: int):
        after = self.name_at(i + 1)
        base = base_span = None
        if self.kind[after] == "extends":
            after = self.name_at(after + 1)
            base, base_span = self.text[after - 1], self.tspan(after - 1)
        props, close = self.props(self.expect(after, "{"))
        return _Decl("node", self.text[i + 1], self.tspan(i + 1), props, self.span(i, close),
                     base, base_span), close + 1

    def link(self, i: int):
        after = self.name_at(self.expect(self.name_at(i + 1), "--"))
        props, close = self.props(self.expect(after, "{"))
        text = self.text
        return ast.LinkDecl(text[i + 1], self.tspan(i + 1), text[i + 3], self.tspan(i + 3), props,
                            self.span(i, close)), close + 1

    def label(self, i: int) -> tuple[str | None, Span | None, int]:
        """`[NAME :]` of require and assert."""
        if self.kind[i] is NAME and self.kind[i + 1] == ":":
            return self.text[i], self.tspan(i), i + 2
        return None, None, i

    def at_clause(self, i: int):
        """`[at expr :]` of require and assert: (year expr or None, next)."""
        if self.kind[i] != "at":
            return None, i
        year, after, _ = self.expr(i + 1)
        return year, self.expect(after, ":")

    def at_and_label(self, i: int):
        """`[at Y:] [NAME:] [at Y:]` (one `at` at most: two fall back to Lark's E0809)."""
        at, after = self.at_clause(i)
        name, name_span, after = self.label(after)
        if name is not None:
            second, after = self.at_clause(after)
            if second is not None:
                if at is not None:
                    raise Fallback
                at = second
        return at, name, name_span, after

    def require(self, i: int):
        at, name, name_span, after = self.at_and_label(i + 1)
        cmp, after = self.comparison(after)
        return ast.Require(name, name_span, cmp, self.span_to(i, cmp), at), after

    def assert_stmt(self, i: int):
        level = self.kind[i + 1]
        advisory = level == "advisory"
        at, name, name_span, after = self.at_and_label(i + 2 if advisory or level == "mandatory" else i + 1)
        cmp, after = self.comparison(after)
        return ast.Assert(name, name_span, cmp, self.span_to(i, cmp), advisory, at), after

    def for_stmt(self, i: int):
        """A chain `for ..: for ..: require|assert ..`, without recursion."""
        heads = []
        while self.kind[i] == "for":
            after = self.expect(self.name_at(i + 1), "in")
            domain, after = self.domain(after)
            heads.append((i, domain))
            i = self.expect(after, ":")
        if len(heads) >= MAX_DEPTH:
            raise Fallback  # E0004: the outermost For is nested too deeply
        if self.kind[i] == "require":
            body, after = self.require(i)
        elif self.kind[i] == "assert":
            body, after = self.assert_stmt(i)
        else:
            raise Fallback
        for head, domain in reversed(heads):
            body = ast.For(self.text[head + 1], self.tspan(head + 1), domain, body,
                           self.span_to(head, body))
        return body, after

    def domain(self, i: int):
        if self.kind[i] is NAME:
            node, after, _ = self.name_or_call(i)
        elif self.kind[i] == "[":
            node, after, _ = self.list_expr(i)
        else:
            raise Fallback
        return node, after

    def policy(self, i: int):
        after = self.expect(self.name_at(i + 1), "{")
        kind, body = self.kind, []
        rules = {"require": self.require, "assert": self.assert_stmt, "for": self.for_stmt}
        while kind[after] != "}":
            if kind[after] == ";":
                after += 1
                continue
            rule = rules.get(kind[after])
            if rule is None:
                raise Fallback
            node, after = rule(after)
            body.append(node)
        return ast.Policy(self.text[i + 1], self.tspan(i + 1), tuple(body),
                          self.span(i, after)), after + 1

    def objective(self, i: int):
        sense = self.kind[i + 2]
        if self.kind[i + 1] != "=" or sense not in ("minimize", "maximize"):
            raise Fallback
        expr, after, _ = self.expr(i + 3)
        return ast.Objective(sense, expr, self.span_to(i, expr)), after

    def scenario(self, i: int):
        after = self.expect(self.name_at(i + 1), "{")
        kind, overrides = self.kind, []
        while kind[after] != "}":
            if kind[after] == ";":
                after += 1
                continue
            node, after = self.override(after)
            overrides.append(node)
        return ast.Scenario(self.text[i + 1], self.tspan(i + 1), tuple(overrides),
                            self.span(i, after)), after + 1

    def override(self, i: int):
        kind, text = self.kind, self.text
        if kind[i] not in _TARGET_HEADS or kind[i + 1] != ".":
            raise Fallback
        parts, last = [text[i]], i
        while kind[last + 1] == ".":
            last = self.name_at(last + 2) - 1
            parts.append(text[last])
        op = kind[last + 1]
        if op not in _OVERRIDE_OPS:
            raise Fallback
        target = _Name(tuple(parts), self.span(i, last))
        value, after = self.prop_value(last + 2)
        return ast.Override(target, op, value, self.span_nodes(target, value)), after

    def comparison(self, i: int):
        left, i, _ = self.expr(i)
        op = self.kind[i]
        if op in _CMP:
            right, after, _ = self.expr(i + 1)
            return _Compare(op, left, right, self.span(i, i), self.span_nodes(left, right)), after
        if op != "in":
            raise Fallback
        lo, after, _ = self.expr(i + 1)
        hi, after, _ = self.expr(self.expect(after, ".."))
        return ast.InRange(left, lo, hi, self.span_nodes(left, hi)), after
