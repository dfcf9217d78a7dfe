"""Turn Lark's UnexpectedInput into one labelled Diagnostic (codes E0100-E0199).

Instead of `match_examples` (which re-parses every example per error) the
classifier is a table of small rules keyed on what LALR knows at the error:
the offending token, the set of terminals the state expected, and the value
stack (unreduced tokens such as an open `{` or the statement keyword being
parsed). The first rule that recognises the situation names the mistake;
otherwise a generic "unexpected X, expected Y" is given. Every diagnostic
points at the offending token (for end of file: just after the last token).
"""

from __future__ import annotations

import difflib

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from suanli.diagnostics import Diagnostic, Span, error
from suanli.grammar import charerrors
from suanli.grammar.error_context import (
    KEYWORDS, KEYWORD_TYPES, STATEMENT_KWS, STATEMENT_TYPES, NAME_AFTER,
    VALUE_START, VALUE_END, CMP_TYPES, CLOSER_OF, CLOSER_TYPE,
    Ctx, show, describe_token, describe_expected, diag,
    opener_label)

__all__ = ["describe_error", "KEYWORDS", "STATEMENT_KWS"]


def rule_eof(ctx: Ctx):
    if ctx.type != "$END":
        return None
    opener = ctx.opener()
    if opener is not None:
        close = CLOSER_OF[str(opener)]
        return diag("E0107", f"unclosed `{opener}`: the file ends before its `{close}`", ctx,
                    f"expected `{close}` here", f"add `{close}` to close it",
                    extra=[opener_label(ctx, opener)])
    if VALUE_START & ctx.expected:
        return diag("E0116", "missing value at the end of the file", ctx,
                    "expected a value after this", "complete the expression")
    return diag("E0100", "unexpected end of file", ctx, "the file ends here",
                f"expected {describe_expected(ctx.expected)}")


def rule_block_not_closed(ctx: Ctx):
    if ctx.type not in STATEMENT_TYPES or not ctx.at_line_start():
        return None
    opener = ctx.opener()
    after = ctx.next_text()
    if opener is None or (after[:1] == "=" and after[:2] != "=="):
        return None  # `for = 1` in a block is a keyword used as a property name
    close = CLOSER_OF[str(opener)]
    if CLOSER_TYPE[close] not in ctx.expected:
        return None
    return diag("E0107", f"missing `{close}` before `{ctx.tok}`", ctx,
                f"expected `{close}` before this",
                f"close `{opener}` with `{close}`" + ("; declarations cannot be nested"
                                                       if close == "}" else ""),
                extra=[opener_label(ctx, opener)])


def rule_keyword_as_name(ctx: Ctx):
    if ctx.type not in KEYWORD_TYPES or not {"NAME", "PROP_NAME"} & ctx.expected:
        return None
    if ctx.type in STATEMENT_TYPES and ctx.at_line_start() and VALUE_START & ctx.expected:
        return diag("E0116", f"missing value before `{ctx.tok}`", ctx,
                    "expected a value before this", "complete the expression on the line above")
    return diag("E0109", f"`{ctx.tok}` is a keyword and cannot be used as a name", ctx,
                "reserved keyword", f"choose another name, e.g. `{ctx.tok}_1`")


def rule_assign_in_comparison(ctx: Ctx):
    kw = ctx.statement_kw()
    if kw is None or kw.type not in ("REQUIRE", "ASSERT"):
        return None
    if ctx.type == "EQ" and CMP_TYPES <= ctx.expected:
        span = ctx.span()
    elif ctx.type == "PROP_NAME" and "=" in ctx.source[ctx.tok.end_pos:]:
        eq = ctx.source.index("=", ctx.tok.end_pos)
        line = ctx.source.count("\n", 0, eq) + 1
        col = eq - ctx.source.rfind("\n", 0, eq)
        span = Span(ctx.path, line, col, line, col + 1)
    else:
        return None
    return error("E0112", "`=` is not a comparison", span, "use `==` to compare",
                 help="a comparison is `a <= b`, `a >= b`, `a == b` or `a in lo .. hi`")


def rule_missing_colon_after_label(ctx: Ctx):
    prev, kw = ctx.prev, ctx.statement_kw()
    if ("_COLON" not in ctx.expected or ctx.type != "NAME" or kw is None
            or kw.type not in ("REQUIRE", "ASSERT") or not isinstance(prev, Token)
            or prev.type != "NAME" or getattr(ctx.stack[-2], "type", "") not in KEYWORD_TYPES):
        return None
    return diag("E0110", f"missing `:` after the constraint name `{show(prev)}`", ctx,
                "expected `:` before this", f"write `{kw} {show(prev)}: ...`")


def rule_missing_comparison(ctx: Ctx):
    if not CMP_TYPES <= ctx.expected:
        return None
    return diag("E0111", f"missing comparison operator before {describe_token(ctx.tok)}", ctx,
                "expected `<=`, `>=`, `==` or `in` before this",
                "a constraint compares two sides: `a <= b`, `a >= b`, `a == b` or `a in lo .. hi`")


def rule_for_colon(ctx: Ctx):
    kw = ctx.statement_kw()
    if "_COLON" not in ctx.expected or kw is None or kw.type != "FOR":
        return None
    return diag("E0110", "missing `:` after the `for` domain", ctx, "expected `:` before this",
                "write `for r in regions: require ...`")


def rule_link_dash(ctx: Ctx):
    if ctx.type != "MINUS" or "_DASHDASH" not in ctx.expected:
        return None
    return diag("E0113", "a link joins its two regions with `--`, not `-`", ctx,
                "expected `--`", "write `link A -- B { ... }`")


def rule_number_after_name(ctx: Ctx):
    prev = ctx.prev
    if ctx.type not in ("NUMBER", "PERCENT") or prev is None:
        return None
    if isinstance(prev, Token) and prev.type == "NAME" and ctx.type == "NUMBER":
        return diag("E0114", f"number `{show(ctx.tok)}` after `{show(prev)}`: "
                    "a unit comes after its number", ctx, "unexpected number",
                    f"write the number first, e.g. `{show(ctx.tok)} {show(prev)}`")
    if _is_value(prev):
        return _missing_operator(ctx)
    return None


def _is_value(item) -> bool:
    return not isinstance(item, Token) or item.type in VALUE_END


def _missing_operator(ctx: Ctx):
    return diag("E0100", f"missing operator before {describe_token(ctx.tok)}", ctx,
                "two values with nothing between them",
                "join values with `+`, `-`, `*` or `/`, or put them on separate properties")


def rule_missing_equals(ctx: Ctx):
    if ctx.type == "NAME" and "PROP_NAME" in ctx.expected:
        if _is_value(ctx.prev) and not ctx.at_line_start():
            return _missing_operator(ctx)
        after = ctx.next_text()
        hint = ("properties use `=`, not `:`" if after.startswith(":") else
                "use a single `=` to set a property" if after.startswith("==") else
                f"write `{show(ctx.tok)} = value`")
        return diag("E0106", f"missing `=` after `{show(ctx.tok)}`", ctx,
                    "expected `=` after this name", hint)
    if "EQ" in ctx.expected and ctx.type in ("MINIMIZE", "MAXIMIZE"):
        return diag("E0106", "missing `=` after `objective`", ctx, "expected `=` before this",
                    f"write `objective = {ctx.tok} ...`")
    if {"EQ", "STAR_EQ"} <= ctx.expected and ctx.type not in ("_DOT",):
        return diag("E0106", "missing `=`, `*=`, `+=` or `-=` in the override", ctx,
                    "expected an assignment before this",
                    "write `region.NAME.property = value`")
    return None


def rule_misplaced_statement(ctx: Ctx):
    if ctx.type not in ("NAME", "PROP_NAME", "NUMBER", "STRING"):
        return None
    kw = ctx.statement_kw()
    if "SETTINGS" in ctx.expected and "REGION" in ctx.expected:
        if kw is not None and kw.type == "SCENARIO":
            return diag("E0119", "an override must name its target by path", ctx,
                        "expected `region.NAME.property`, `settings.property`, ...",
                        "start the target with `settings`, `let`, `region`, `node`, "
                        "`link`, `demand` or `job`")
        return _unknown_statement(ctx)
    if {"REQUIRE", "ASSERT", "FOR", "RBRACE"} <= ctx.expected and kw is not None:
        return diag("E0120", f"unexpected {describe_token(ctx.tok)} in a policy",
                    ctx, "not a constraint",
                    "a policy contains only `require`, `assert` and `for` statements")
    return None


def _unknown_statement(ctx: Ctx):
    word = str(ctx.tok)
    if _is_value(ctx.prev) and not ctx.at_line_start():
        return _missing_operator(ctx)
    if ctx.type == "PROP_NAME":
        return diag("E0115", f"property `{show(word)}` outside of a block", ctx,
                    "not inside `{ }`",
                    f"put it inside a block, or declare a constant with `let {show(word)} = ...`")
    prefix = next((k for k in STATEMENT_KWS if word.startswith(k) and len(word) > len(k)), None)
    close = difflib.get_close_matches(word, STATEMENT_KWS, n=1)
    if ctx.type == "NAME" and prefix:
        hint = f"did you mean `{prefix} {show(word[len(prefix):])}`? (a space is needed)"
    elif ctx.type == "NAME" and close:
        hint = f"did you mean `{close[0]}`?"
    else:
        hint = "a statement starts with " + ", ".join(f"`{k}`" for k in STATEMENT_KWS)
    return diag("E0115", f"expected a declaration, found {describe_token(ctx.tok)}", ctx,
                "unknown statement", hint)


def rule_closer(ctx: Ctx):
    closers = {"RBRACE": "{", "RPAR": "(", "RSQB": "["}
    if ctx.type not in closers:
        return None
    if VALUE_START & ctx.expected:
        return diag("E0116", f"missing value before `{ctx.tok}`", ctx,
                    "expected a value before this", "complete the expression")
    opener = ctx.opener()
    if opener is None:
        return diag("E0108", f"unmatched `{ctx.tok}`", ctx, "nothing to close here",
                    f"remove it, or add the missing `{closers[ctx.type]}` before it")
    return diag("E0108", f"`{ctx.tok}` does not close `{opener}`", ctx,
                f"expected `{CLOSER_OF[str(opener)]}`",
                f"close `{opener}` with `{CLOSER_OF[str(opener)]}` first",
                extra=[opener_label(ctx, opener)])


def rule_missing_value(ctx: Ctx):
    if not {"NUMBER", "NAME"} <= ctx.expected:
        return None
    if ctx.type == "_DOT" and ctx.next_text()[:1].isdigit():
        return diag("E0103", "a number cannot start with `.`", ctx, "bad number",
                    f"write `0.{ctx.next_text().split()[0]}`")
    if ctx.type in VALUE_START:
        return None
    return diag("E0116", f"missing value before {describe_token(ctx.tok)}", ctx,
                "expected a value before this", "write a number, a quantity such as "
                "`60 MW`, a name or an expression")


def rule_missing_comma(ctx: Ctx):
    if "_COMMA" not in ctx.expected or ctx.type not in VALUE_START:
        return None
    return diag("E0118", f"missing `,` before {describe_token(ctx.tok)}", ctx,
                "expected `,` before this", "separate items with commas: `[a, b]`, `f(a, b)`")


def rule_missing_name(ctx: Ctx):
    prev = ctx.prev
    if ("NAME" not in ctx.expected or "NUMBER" in ctx.expected or not isinstance(prev, Token)
            or prev.type not in NAME_AFTER):
        return None
    return diag("E0117", f"missing name after `{prev}`", ctx, "expected a name here",
                f"write `{prev} NAME {{ ... }}`")


def rule_small_slips(ctx: Ctx):
    if ctx.type == "_COMMA" and "PROP_NAME" in ctx.expected:
        return diag("E0100", "unexpected `,` after a property", ctx, "not a separator here",
                    "separate properties with a newline or `;`")
    if {"MINIMIZE", "MAXIMIZE"} <= ctx.expected:
        return diag("E0100", f"missing `minimize` or `maximize` before {describe_token(ctx.tok)}",
                    ctx, "expected the direction of the objective",
                    f"write `objective = minimize {show(ctx.tok)}`")
    return None


def rule_import_path(ctx: Ctx):
    if "STRING" not in ctx.expected or ctx.type == "STRING":
        return None
    return diag("E0100", f"expected a quoted path, found {describe_token(ctx.tok)}", ctx,
                "not a string", 'write `import "other.spec"`')


TOKEN_RULES = (rule_eof, rule_block_not_closed, rule_assign_in_comparison, rule_keyword_as_name,
               rule_link_dash, rule_missing_colon_after_label, rule_missing_comparison,
               rule_for_colon, rule_missing_equals, rule_number_after_name,
               rule_misplaced_statement, rule_closer, rule_missing_value, rule_missing_comma,
               rule_missing_name, rule_small_slips, rule_import_path)


def describe_token_error(ctx: Ctx) -> Diagnostic:
    for rule in TOKEN_RULES:
        found = rule(ctx)
        if found is not None:
            return found
    return diag("E0100", f"unexpected {describe_token(ctx.tok)}", ctx, "unexpected here",
                f"expected {describe_expected(ctx.expected)}")


def _accepted(exc: UnexpectedToken) -> frozenset:
    """The terminals that really fit here. LALR merges states, so
    `exc.expected` may list terminals of other contexts; `accepts` tries each
    one on a copy of the parser (callbacks off)."""
    try:
        accepts = exc.accepts
    except Exception:  # no interactive parser attached
        accepts = None
    return frozenset(accepts if accepts else exc.expected)


def describe_error(exc: UnexpectedInput, source: str, path: str) -> Diagnostic:
    """The diagnostic for one Lark parse error in `source`."""
    parser = getattr(exc, "interactive_parser", None)
    stack = list(parser.parser_state.value_stack) if parser is not None else []
    if isinstance(exc, UnexpectedCharacters):
        return charerrors.describe_char_error(exc, source, path, stack)
    assert isinstance(exc, UnexpectedToken), exc
    ctx = Ctx(exc.token, exc.token.type, _accepted(exc), stack, source, path)
    return describe_token_error(ctx)
