"""Tokenizer of the fast parse path (`fastparse`): the lexer of suanli.lark, in bulk.

Lark's basic lexer matches one union regex at each position and keeps the
first alternative that matches, in this order: PERCENT, PROP_NAME, NUMBER,
STRING, NAME (re-typed to a keyword when its whole text is one), WS, COMMENT,
then the literal operators, longest first. `_TOKEN` is that union with the
same regexes (a test checks them against suanli.lark), so the tokens it
yields are exactly Lark's, with two changes that keep their texts:

* WS is not a token: each match is (whitespace before, token). No token can
  start with a whitespace character, so this splits the text as Lark does.
* PROP_NAME is left out: it matches the same text as NAME (its lookahead
  needs a non-word character right after), so only its type differs, and
  `Tokens.is_prop_name` decides that from the next token.

`tokenize` works in C-level passes (findall, map, accumulate, compress): no
Python code runs per token. A character that starts no token is skipped by
findall, which shows as missing length, and makes `tokenize` return None:
the caller falls back to Lark, which reports the error.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import accumulate, compress, repeat
from operator import add, itemgetter, sub

from suanli.grammar.literals import NumberError, unescape
from suanli.grammar.literals import number_value as literal_number

__all__ = ["Tokens", "tokenize", "Fallback", "number_value", "string_value", "KEYWORDS",
           "LITERALS", "TERMINALS", "NAME", "NUMBER", "STRING", "END"]

KEYWORDS = ("settings", "let", "import", "region", "node", "link", "demand", "job", "require",
            "assert", "advisory", "mandatory", "for", "in", "policy", "objective", "minimize",
            "maximize", "scenario", "extends", "true", "false", "from", "at")
# Longest first, as Lark orders string terminals of equal priority.
LITERALS = ("==", ">=", "<=", "-=", "+=", "*=", "--", "..",
            "=", "(", "[", "-", "+", "}", ")", "]", "/", "*", ":", ",", ".", "{", ";")
# The regex terminals of suanli.lark, verbatim, in Lark's matching order.
TERMINALS = {
    "PERCENT": r"[0-9](?:_?[0-9])*(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?%",
    "NUMBER": r"[0-9](?:_?[0-9])*(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
              r"(?![_0-9]|\.(?!\.)|[eE][+-]?[0-9])",
    "STRING": r'"(?:[^"\\\n]|\\[^\n])*"',
    "NAME": r"[^\W\d]\w*",
    "WS": r"[ \t\f\r\n]+",
    "COMMENT": r"#[^\n]*",
}
# Only alternatives that can start with the same character must keep Lark's
# order (PERCENT before NUMBER, a literal before its prefixes); the others
# start with different characters, and NAME, the commonest, goes first.
_TOKEN = re.compile("(" + TERMINALS["WS"][:-1] + "*)(" + "|".join(
    f"(?:{TERMINALS[name]})" for name in ("NAME", "PERCENT", "NUMBER", "STRING", "COMMENT"))
    + "|" + "|".join(map(re.escape, LITERALS)) + ")")
assert _TOKEN.groups == 2  # split yields (gap, whitespace, token) triples, then the rest
_WS = " \t\f\r\n"

# Token kinds: literals and keywords are their own kind (their text).
NAME, NUMBER, STRING, COMMENT, END = "NAME", "NUMBER", "STRING", "COMMENT", "$END"
_KIND = {t: t for t in (*LITERALS, *KEYWORDS)}
_BY_FIRST = {**dict.fromkeys("0123456789", NUMBER), '"': STRING, "#": COMMENT}
_KEEP = {COMMENT: False}  # .get(kind, True): not a comment
_first = itemgetter(0)
_SENTINELS = 3  # END tokens after the last one, so lookahead never indexes out


class Fallback(Exception):
    """The fast path does not parse this input: the Lark path must."""


class Tokens:
    """The significant tokens (no comments) as parallel lists indexed by
    token number: `kind`, `text`, `line`, `col`, `end_col` (1-based, end
    exclusive; a token never spans lines). `comments` holds (text, line,
    col) of each comment in order; `after_comment` the numbers of the tokens
    that directly follow a comment."""

    __slots__ = ("kind", "text", "line", "col", "end_col", "comments", "after_comment")


def tokenize(text: str) -> Tokens | None:
    """The tokens of `text` (normalised: LF newlines), or None if some
    character starts no token."""
    parts = _TOKEN.split(text)  # [gap, whitespace, token, gap, ..., rest]
    if any(parts[0:-1:3]) or parts[-1].strip(_WS):
        return None  # text between two matches: a character no token matches
    spaces, toks = parts[1::3], parts[2::3]
    lengths = list(map(len, toks))
    ends = accumulate(map(add, map(len, spaces), lengths))
    lines = list(accumulate(map(_Newlines().__getitem__, spaces), initial=1))
    del lines[0]
    # by line number: the offset of the line's first character, minus 1
    before_line = [0, *accumulate(map(len, text.split("\n")), _next_line, initial=-1)]
    end_cols = list(map(sub, ends, map(before_line.__getitem__, lines)))
    cols = list(map(sub, end_cols, lengths))
    kinds = list(map(_KIND.get, toks, map(_BY_FIRST.get, map(_first, toks), repeat(NAME))))
    out = Tokens()
    out.kind, out.text, out.line, out.col, out.end_col = kinds, toks, lines, cols, end_cols
    out.comments, out.after_comment = [], frozenset()
    if COMMENT in kinds:
        _split_comments(out)
    last_line = len(before_line) - 2  # it ends with the start of a line after the last
    last_col = len(text) - before_line[last_line]
    out.kind += [END] * _SENTINELS
    out.text += [""] * _SENTINELS
    out.line += [last_line] * _SENTINELS
    out.col += [last_col] * _SENTINELS
    out.end_col += [last_col] * _SENTINELS
    return out


class _Newlines(dict):
    """How many newlines a whitespace string holds, computed once per distinct
    string (a dict hit is 3x cheaper than str.count: most are " " or "")."""

    def __missing__(self, spaces: str) -> int:
        count = self[spaces] = spaces.count("\n")
        return count


def _next_line(before: int, length: int) -> int:
    return before + length + 1


def _split_comments(out: Tokens) -> None:
    """Move the comments out of the token lists into `out.comments`."""
    at, find = [], out.kind.index
    try:
        while True:
            at.append(find(COMMENT, at[-1] + 1 if at else 0))
    except ValueError:
        pass
    columns = (out.kind, out.text, out.line, out.col, out.end_col)
    out.comments = [(out.text[i], out.line[i], out.col[i]) for i in at]
    out.after_comment = frozenset(i - rank for rank, i in enumerate(at))
    if len(at) <= 16:  # a few memmoves beat rebuilding every list
        for column in columns:
            for i in reversed(at):
                del column[i]
        return
    keep = list(map(_KEEP.get, out.kind, repeat(True)))
    out.kind, out.text, out.line, out.col, out.end_col = (
        list(compress(column, keep)) for column in columns)


# ------------------------------------------------------------ token values


def number_value(text: str) -> Fraction:
    """`literals.number_value`, raising Fallback where it raises NumberError."""
    try:
        return literal_number(text)
    except NumberError:
        raise Fallback from None


def string_value(token: str) -> str:
    """The value of a STRING token (`literals.unescape`); Fallback if bad."""
    value, bad = unescape(token[1:-1])
    if bad is not None:
        raise Fallback
    return value
