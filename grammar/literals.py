"""Literal values and limits shared by both parsers (the Lark transformer and the fast path).

Both must give one literal the same value and refuse the same literals, so the
rules live here once: exact number values (range-limited), string escapes, and
the nesting bound that keeps every later recursive pass off RecursionError.
"""

from __future__ import annotations

from fractions import Fraction

MAX_DEPTH = 2000  # levels of one expression (a flat sum of N terms is N levels) or `for` chain
MAX_EXPONENT = 400  # |e| in `1e400`; far beyond any physical quantity
MAX_DIGITS = 1000  # digits of one literal; also keeps int() off its 4300-digit limit


class NumberError(ValueError):
    """A literal that matched NUMBER but has no sensible exact value."""


def number_value(text: str) -> Fraction:
    """Exact value of a NUMBER token (already validated by the lexer regex)."""
    mantissa, _, exponent = text.replace("_", "").lower().partition("e")
    whole, _, frac = mantissa.partition(".")
    if len(whole) + len(frac) > MAX_DIGITS:
        raise NumberError(f"more than {MAX_DIGITS} digits")
    if len(exponent.lstrip("+-")) > 6 or abs(int(exponent or 0)) > MAX_EXPONENT:
        raise NumberError(f"exponent beyond ±{MAX_EXPONENT}")
    scale = int(exponent or 0) - len(frac)
    digits = int(whole + frac)
    if scale >= 0:
        return Fraction(digits * 10**scale)
    return Fraction(digits, 10**-scale)


def unescape(body: str) -> tuple[str, int | None]:
    """Decode `\\"` and `\\\\`; return (value, index of the first bad char or escape)."""
    if "\\" not in body and body.isprintable():
        return body, None
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if body[i + 1] not in '"\\':
                return "", i
            out.append(body[i + 1])
            i += 2
            continue
        if (ord(ch) < 32 and ch != "\t") or ord(ch) == 127:
            return "", i
        out.append(ch)
        i += 1
    return "".join(out), None
