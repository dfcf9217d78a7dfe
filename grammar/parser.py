"""Parse `.spec` text into the frozen AST of `suanli.grammar.ast`.

`parse` never raises for bad input: it returns `(Module, [])` or
`(None, diagnostics)`. The Lark LALR parser is built once from the packaged
grammar (`get_parser`) with the AST builder as its inline transformer, so the
AST is made during parsing with no generic tree in between.

Error recovery: after an error the parse restarts at the next line that
begins (in column 1) with a top-level keyword, with everything before it
blanked out as newlines so that lines and columns stay exact. That gives one
diagnostic per broken declaration; at most MAX_ERRORS are reported.
"""

from __future__ import annotations

import re
import sys
import threading
from functools import lru_cache
from importlib import resources

from typing import TYPE_CHECKING

from suanli.diagnostics import Diagnostic, Span, error
from suanli.grammar import ast
from suanli.grammar.fastparse import parse_fast

if TYPE_CHECKING:
    from lark import Lark
    from lark.exceptions import UnexpectedInput

    from suanli.grammar.transform import SpecBuilder

# Lark (and what builds on it: the transformer, the error classifier) is imported
# on first use: a clean file takes the fast path, and `check` should not pay
# ~60 ms of imports for a parser it does not run.

__all__ = ["parse", "parse_expression", "get_parser", "build_parser", "normalize_text"]

MAX_ERRORS = 50
# Lark binds one transformer instance to the parser; parses take turns.
_LOCK = threading.Lock()


def build_parser(strict: bool = False) -> Lark:
    """A new parser; `strict=True` makes Lark reject any grammar conflict."""
    from lark import Lark

    from suanli.grammar.transform import SpecBuilder

    grammar = resources.files("suanli.grammar").joinpath("suanli.lark").read_text("utf-8")
    builder = SpecBuilder()
    return Lark(grammar, parser="lalr", lexer="basic", start=["module", "value"],
                propagate_positions=True, maybe_placeholders=True, transformer=builder,
                lexer_callbacks={"COMMENT": builder.comment}, strict=strict)


@lru_cache(maxsize=None)
def get_parser() -> Lark:
    """The shared parser (its `options.transformer` is the SpecBuilder)."""
    return build_parser()


def normalize_text(text: str) -> str:
    """Drop a leading BOM and turn CRLF / lone CR into LF, so columns are right."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# Expression trees may be MAX_DEPTH (2000) levels high: a flat sum of 1,500 terms is a
# 1,500-deep chain of BinOps, and the parser, evaluators, fmt and verify recurse over it
# with a few Python frames per level. Python's default limit (1000) allowed ~200.
RECURSION_LIMIT = 50_000


def allow_deep_trees() -> None:
    """Raise (never lower) the interpreter's recursion limit to RECURSION_LIMIT."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def parse(text: str, path: str, *,
          fast: bool = True) -> tuple[ast.Module | None, list[Diagnostic]]:
    """Parse a whole spec. Module is None exactly when there are errors.

    The hand-written fast path (`fastparse`, ~10x faster, no Lark) is tried
    first; anything it does not accept, errors included, goes to Lark, which
    builds the same Module or the diagnostics. `fast=False` skips it."""
    allow_deep_trees()
    text = normalize_text(text)
    if fast:
        try:
            module = parse_fast(text, path)
        except Exception:  # noqa: BLE001 - a fast-path bug must not cost a parse: Lark decides
            module = None
        if module is not None:
            return module, []
    parser = get_parser()
    builder: SpecBuilder = parser.options.transformer
    with _LOCK:
        builder.reset(path)
        try:
            statements, diags = _parse_recovering(parser, builder, text, path)
            comments = tuple(ast.Comment(str(t).rstrip(), _token_span(path, t))
                             for t in builder.comments)
        finally:
            builder.reset(path)  # drop references to this parse's nodes
    if diags:
        return None, sorted(dict.fromkeys(diags), key=Diagnostic.sort_key)
    return ast.Module(path, tuple(statements), comments, _text_span(path, text)), []


def parse_expression(text: str, path: str) -> tuple[ast.Expr | None, list[Diagnostic]]:
    """Parse one expression, e.g. the value of `--set region.x.pue=1.2`."""
    from lark.exceptions import UnexpectedInput

    text = normalize_text(text)
    parser = get_parser()
    builder: SpecBuilder = parser.options.transformer
    with _LOCK:
        builder.reset(path)
        try:
            expr = _run(parser, text, "value")
            diags = list(builder.diags)
        except UnexpectedInput as exc:
            expr, diags = None, [_describe(exc, text, path)]
        finally:
            builder.reset(path)
    return (None, diags) if diags else (expr, [])


def _run(parser: Lark, text: str, start: str):
    from lark.exceptions import VisitError

    try:
        return parser.parse(text, start=start)
    except VisitError as exc:  # not expected with the inline transformer; unwrap anyway
        raise exc.orig_exc from None


def _parse_recovering(parser: Lark, builder: SpecBuilder, text: str, path: str):
    from lark.exceptions import UnexpectedInput

    diags: list[Diagnostic] = []
    source, restart = text, -1
    while True:
        try:
            statements = _run(parser, source, "module")
            return statements, diags + builder.diags
        except UnexpectedInput as exc:
            diags.append(_describe(exc, source, path))
            restart = _next_restart(source, exc, restart)
            if restart is None or len(diags) >= MAX_ERRORS:
                return [], diags + builder.diags
            # Blank out what was already reported: same line numbers, fresh parse.
            blank_lines = source.count("\n", 0, restart)
            source = "\n" * blank_lines + source[restart:]
            restart = blank_lines


def _describe(exc: UnexpectedInput, source: str, path: str) -> Diagnostic:
    """Classify a syntax error; a bug in the classifier must not turn bad
    input into a crash, so it degrades to a plain "syntax error"."""
    from suanli.grammar.errors import describe_error

    try:
        return describe_error(exc, source, path)
    except Exception as bug:  # noqa: BLE001 - last line of defence, tested by fuzzing
        line = exc.line if isinstance(exc.line, int) else 1
        col = exc.column if isinstance(exc.column, int) else 1
        return error("E0100", "syntax error", Span(path, line, col, line, col + 1), "here",
                     help="check the syntax near here",
                     notes=[f"internal: the error classifier failed ({type(bug).__name__})"])


def _next_restart(source: str, exc: UnexpectedInput, previous: int) -> int | None:
    pos = exc.pos_in_stream
    if pos is None or getattr(getattr(exc, "token", None), "type", "") == "$END":
        return None
    match = _restart_pattern().search(source, max(pos, previous + 1))
    return match.start() if match else None


@lru_cache(maxsize=None)
def _restart_pattern() -> re.Pattern:
    """A line that begins with a top-level keyword: where recovery restarts."""
    from suanli.grammar.error_context import STATEMENT_KWS

    return re.compile(r"^(?:%s)(?!\w)" % "|".join(STATEMENT_KWS), re.MULTILINE)


def _token_span(path: str, tok) -> Span:
    return Span(path, tok.line, tok.column, tok.line, tok.column + len(str(tok).rstrip()))


def _text_span(path: str, text: str) -> Span:
    last_line = text.count("\n") + 1
    return Span(path, 1, 1, last_line, len(text) - (text.rfind("\n") + 1) + 1)
