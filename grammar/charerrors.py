"""Diagnostics for characters the lexer cannot start any token with.

These are Lark's UnexpectedCharacters: an unterminated string, a malformed
number (the NUMBER regex refuses `1__0`, `1.` or `1e5.5` as a whole), or a
stray character such as `@`, `<`, a full-width comma or a control character.
"""

from __future__ import annotations

import re
import unicodedata

from lark.exceptions import UnexpectedCharacters

from suanli.diagnostics import Diagnostic, Span, error, escape_control

_BAD_NUMBER = re.compile(r"[0-9](?:\w|\.(?!\.)|[+-](?<=[eE][+-]))*%?")
_NUMBER_HELP = "numbers look like `42`, `0.35`, `1e6`, `2.5E-3`, `1_000_000` or `80%`"
_CHAR_HELP = {
    "%": "`%` must directly follow its number, as in `80%`",
    "<": "strict comparisons are not supported: use `<=`",
    ">": "strict comparisons are not supported: use `>=`",
    "!": "`!=` is not supported; use `<=` and `>=`",
    "'": 'strings use double quotes: `"text"`',
    "`": 'strings use double quotes: `"text"`',
}


def char_name(ch: str) -> str:
    """`@`, or `\\x00` (U+0000), or `，` (U+FF0C FULLWIDTH COMMA) for odd characters."""
    shown = escape_control(ch)
    if ch.isascii() and ch.isprintable():
        return f"`{shown}`"
    name = unicodedata.name(ch, "")
    return f"`{shown}` (U+{ord(ch):04X}{' ' + name if name else ''})"


def describe_char_error(exc: UnexpectedCharacters, source: str, path: str,
                        stack: list) -> Diagnostic:
    pos = exc.pos_in_stream
    ch = source[pos]
    line, col = exc.line, exc.column
    if ch == '"':
        end = source.find("\n", pos)
        end = len(source) if end < 0 else end
        span = Span(path, line, col, line, col + max(1, end - pos))
        return error("E0102", "unterminated string", span, "this string is never closed",
                     help='close it with `"` on the same line; write `\\"` for a quote inside')
    if ch in "0123456789":
        return _bad_number(source, pos, path, line, col)
    span = Span(path, line, col, line, col + 1)
    return error("E0101", f"unexpected character {char_name(ch)}", span,
                 "not valid here", help=_char_help(ch))


def _char_help(ch: str) -> str:
    if ch in _CHAR_HELP:
        return _CHAR_HELP[ch]
    ascii_form = unicodedata.normalize("NFKC", ch)
    if ascii_form != ch and ascii_form.isascii() and ascii_form.strip():
        return f"replace it with the ASCII `{ascii_form}`"
    if not ch.isprintable() or ch.isspace():
        return "remove this invisible character"
    return "remove it; names use letters, digits and `_`"


def _bad_number(source: str, pos: int, path: str, line: int, col: int) -> Diagnostic:
    text = _BAD_NUMBER.match(source, pos).group()
    span = Span(path, line, col, line, col + len(text))
    if "__" in text or re.search(r"_(?![0-9])|(?<![0-9])_", text):
        hint = "`_` may only separate two digits, as in `1_000_000`"
    elif text.rstrip("%").endswith("."):
        hint = f"write a digit after the point: `{text.rstrip('%')}0`"
    elif text.count(".") > 1:
        hint = "a number has at most one decimal point"
    else:
        hint = _NUMBER_HELP
    return error("E0103", f"malformed number `{escape_control(text[:40])}`", span,
                 "not a valid number", help=hint)
