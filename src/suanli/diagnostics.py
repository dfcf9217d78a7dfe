"""Diagnostics as data, rendered second (model: rustc, miniwdl).

Every user-facing problem is a `Diagnostic`: a stable code, a severity, a
message saying what is wrong, labelled source spans, notes and one `help`
saying how to fix it. Passes collect them in a `DiagnosticBag`; the CLI sorts
and renders them. Nothing here imports the rest of suanli, so every layer can
use it.
"""

from __future__ import annotations

import enum
import html
from dataclasses import dataclass, field
from typing import Iterable, Mapping


@dataclass(frozen=True, slots=True)
class Span:
    """A region of source text. Lines and columns are 1-based; columns count
    Unicode code points; `end_col` is exclusive."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.col)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


NO_SPAN = Span("<command line>", 1, 1, 1, 1)


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Label:
    span: Span
    text: str = ""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    labels: tuple[Label, ...] = ()
    notes: tuple[str, ...] = ()
    help: str | None = None
    # The source texts (path -> text) the spans point into, when known: `str()`
    # then shows the source lines as `suanli check` does. Not part of equality.
    sources: Mapping[str, str] | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        """The text `suanli check` prints for this diagnostic."""
        return render(self, dict(self.sources or {}))

    def _repr_html_(self) -> str:
        """Jupyter: the same text, escaped, coloured by severity."""
        colour = {"error": "#b00020", "warning": "#8a6d00"}.get(self.severity.value, "#555")
        return (f'<pre class="suanli-diagnostic" style="border-left:3px solid {colour};padding-left:6px">'
                f"{html.escape(str(self))}</pre>")

    @property
    def span(self) -> Span | None:
        return self.labels[0].span if self.labels else None

    def sort_key(self) -> tuple:
        span = self.span
        return (span.sort_key() if span else ("", 0, 0), self.code, self.message)

    def to_json(self) -> dict:
        span = self.span
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": span.path if span else None,
            "line": span.line if span else None,
            "column": span.col if span else None,
            "end_line": span.end_line if span else None,
            "end_column": span.end_col if span else None,
            "labels": [
                {
                    "file": lab.span.path,
                    "line": lab.span.line,
                    "column": lab.span.col,
                    "end_line": lab.span.end_line,
                    "end_column": lab.span.end_col,
                    "text": lab.text,
                }
                for lab in self.labels
            ],
            "notes": list(self.notes),
            "help": self.help,
        }


def error(code: str, message: str, span: Span | None = None, label: str = "",
          *, help: str | None = None, notes: Iterable[str] = (),
          extra: Iterable[Label] = ()) -> Diagnostic:
    labels = ((Label(span, label),) if span else ()) + tuple(extra)
    return Diagnostic(code, Severity.ERROR, message, labels, tuple(notes), help)


def warning(code: str, message: str, span: Span | None = None, label: str = "",
            *, help: str | None = None, notes: Iterable[str] = (),
            extra: Iterable[Label] = ()) -> Diagnostic:
    labels = ((Label(span, label),) if span else ()) + tuple(extra)
    return Diagnostic(code, Severity.WARNING, message, labels, tuple(notes), help)


@dataclass
class DiagnosticBag:
    """Collects diagnostics from every pass; `has_errors` decides exit 2."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diag: Diagnostic) -> None:
        self.items.append(diag)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        self.items.extend(diags)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.items)  # drop exact repeats, keep order
        return sorted(unique, key=Diagnostic.sort_key)


class SuanliError(Exception):
    """The base of every error the Python API raises (`suanli.api`)."""


class CompileError(SuanliError):
    """Raised when a stage cannot go on; carries every diagnostic so far
    (and, from the API, `sources`: path -> text of the files read)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = list(diagnostics)
        self.sources: dict[str, str] = {}
        first = self.diagnostics[0].message if self.diagnostics else "compile error"
        super().__init__(first)


def escape_control(text: str) -> str:
    """Make control characters visible so a message never moves the cursor."""
    out = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
        elif ord(ch) < 32 or ord(ch) == 127 or 0x80 <= ord(ch) < 0xA0:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def render(diag: Diagnostic, sources: dict[str, str] | None = None) -> str:
    """Render like rustc: header, location arrow, source line, caret, help."""
    sources = sources or {}
    head = f"{diag.severity.value}[{diag.code}]: {escape_control(diag.message)}"
    lines = [head]
    for index, lab in enumerate(diag.labels):
        lines.extend(_render_label(lab, sources, primary=index == 0))
    for note in diag.notes:
        lines.append(f"   = note: {escape_control(note)}")
    if diag.help:
        lines.append(f"   = help: {escape_control(diag.help)}")
    return "\n".join(lines)


def _render_label(lab: Label, sources: dict[str, str], primary: bool) -> list[str]:
    span = lab.span
    arrow = "-->" if primary else ":::"
    out = [f"  {arrow} {span.path}:{span.line}:{span.col}"]
    text = sources.get(span.path)
    if text is None:
        if lab.text:
            out.append(f"   = {escape_control(lab.text)}")
        return out
    src_lines = text.splitlines()
    if not 1 <= span.line <= len(src_lines):
        return out
    raw = src_lines[span.line - 1]
    line_text = escape_control(raw)
    gutter = str(span.line)
    pad = " " * len(gutter)
    indent, width = _caret_place(span, raw)
    caret = " " * indent + ("^" if primary else "-") * width
    out.append(f"{pad} |")
    out.append(f"{gutter} | {line_text}")
    out.append(f"{pad} | {caret} {escape_control(lab.text)}".rstrip())
    return out


def _caret_place(span: Span, raw: str) -> tuple[int, int]:
    """Columns before the caret and its width, as a terminal shows the (escaped) line:
    CJK characters take two columns, so carets stay under `贵州`."""
    start = span.col - 1
    if span.end_line == span.line and span.end_col > span.col:
        under = raw[start:span.end_col - 1]
    else:
        under = raw[start:] if span.end_line > span.line else raw[start:start + 1]
    indent = _display_width(escape_control(raw[:start])) + max(0, start - len(raw))
    return indent, max(1, _display_width(escape_control(under)))


def _display_width(text: str) -> int:
    try:
        from wcwidth import wcswidth
    except ImportError:  # pragma: no cover - wcwidth is a dependency
        return len(text)
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def render_all(diags: Iterable[Diagnostic], sources: dict[str, str] | None = None) -> str:
    return "\n\n".join(render(d, sources) for d in diags)
