"""Aligned text tables and Markdown tables: what every human format is made of."""

from __future__ import annotations

from suanli.rounding import num


def text_width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two (wcwidth)."""
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)  # control characters: count code points


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def table(title: str, headers: list[str], rows: list[list[str]], md: bool) -> list[str]:
    if not rows:
        return []
    if md:
        out = [f"### {title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        return out + [""]
    widths = [max(text_width(h), *(text_width(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(pad(c, w) for c, w in zip(cells, widths)).rstrip()
    return [title, line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows] + [""]


def bound_text(s) -> str:
    """A require's or assert's bound: `>= 5`, `in 1 .. 2`."""
    if s.op == "in":
        return f"in {num(s.lower)} .. {num(s.upper)}"
    return f"{s.op} {num(s.bound)}"
