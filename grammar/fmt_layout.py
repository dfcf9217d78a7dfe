"""Line layout for `fmt`: indentation, blank lines and where comments go.

Comments are routed by line number only, so the rules are the same in the
module and in every block (see the fmt.py docstring for the layout):
- a comment on a line that an item spans belongs to that item (the last
  item starting on that line): an end-of-line comment;
- a comment on a block's `{` line or `}` line that no child spans stays
  after the `{` or the `}`;
- any other comment leads the next item, or, with nothing after it, stays
  before the `}` or at the end of the file.
"""

from __future__ import annotations

from typing import Callable

from suanli.grammar import ast

INDENT = "  "


def route(items, comments):
    """Split comments into (covered, leading) per item plus the dangling rest."""
    covered = [[] for _ in items]
    leading = [[] for _ in items]
    dangling = []
    j = 0
    for comment in comments:
        line = comment.span.line
        while j < len(items) and items[j].span.end_line < line:
            j += 1
        if j == len(items):
            dangling.append(comment)
            continue
        if items[j].span.line > line:
            leading[j].append(comment)
            continue
        k = j
        while k + 1 < len(items) and items[k + 1].span.line <= line:
            k += 1
        covered[k].append(comment)
    return covered, leading, dangling


class Emitter:
    """Collects output lines; `line_of` and `block_of` come from fmt.py."""

    def __init__(self, line_of: Callable, block_of: Callable):
        self.out: list[str] = []
        self.line_of = line_of
        self.block_of = block_of

    def text(self) -> str:
        while self.out and self.out[-1] == "":
            self.out.pop()
        return "\n".join(self.out) + "\n" if self.out else ""

    def emit(self, indent: int, text: str, comment: ast.Comment | None = None) -> None:
        line = INDENT * indent + text
        self.out.append(f"{line}  {comment.text}" if comment else line)

    def blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def comment_run(self, comments, next_line: int | None, indent: int) -> None:
        """Full-line comments, keeping one blank line where the source had a gap."""
        for i, comment in enumerate(comments):
            self.emit(indent, comment.text)
            following = comments[i + 1].span.line if i + 1 < len(comments) else next_line
            if following is not None and following - comment.span.end_line > 1:
                self.blank()

    def items(self, items, comments, indent: int, top: bool, prev_end: int | None = None):
        covered, leading, dangling = route(items, comments)
        prev_block = False
        for i, item in enumerate(items):
            is_block = self.block_of(item) is not None
            first = leading[i][0].span.line if leading[i] else item.span.line
            if prev_end is not None and (first - prev_end > 1 or (top and (is_block or prev_block))):
                self.blank()
            self.comment_run(leading[i], item.span.line, indent)
            self.item(item, covered[i], indent)
            prev_end, prev_block = item.span.end_line, is_block
        if dangling:
            if prev_end is not None and dangling[0].span.line - prev_end > 1:
                self.blank()
            self.comment_run(dangling, None, indent)

    def item(self, item, comments, indent: int) -> None:
        parts = self.block_of(item)
        if parts is not None:
            self.block(item, parts, comments, indent)
            return
        for extra in comments[:-1]:
            self.emit(indent, extra.text)
        self.emit(indent, self.line_of(item), comments[-1] if comments else None)

    def block(self, item, parts, comments, indent: int) -> None:
        head, children = parts
        first, last = item.span.line, item.span.end_line
        first_free = not children or children[0].span.line > first
        last_free = not children or children[-1].span.end_line < last
        header = [c for c in comments if c.span.line == first and first_free]
        closing = [c for c in comments if c.span.line == last and last_free and c not in header]
        inner = [c for c in comments if c not in header and c not in closing]
        if not children and not inner and first == last:  # `region a {}  # note`
            self.emit(indent, head + " {}", (header + closing or [None])[0])
            return
        self.emit(indent, head + " {", header[0] if header else None)
        self.items(children, inner, indent + 1, top=False)
        self.emit(indent, "}", closing[0] if closing else None)
