"""What the error rules know at a parse error, and how tokens are named.

`Ctx` wraps Lark's view of the failure (offending token, the terminals the
parser state accepts, the value stack of unreduced tokens and nodes) with the
questions the rules in errors.py ask: which statement is being parsed, which
`{`/`(`/`[` is still open, is the token first on its line.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token

from suanli.diagnostics import Label, Span, error, escape_control

KEYWORDS = ("settings let import region node link demand job require assert advisory "
            "mandatory for in policy objective minimize maximize scenario extends true "
            "false from at").split()
KEYWORD_TYPES = frozenset(k.upper() for k in KEYWORDS)
STATEMENT_KWS = ("settings let import region node link demand job require assert for "
                 "policy objective scenario").split()
STATEMENT_TYPES = frozenset(k.upper() for k in STATEMENT_KWS)
DECL_TYPES = frozenset({"REGION", "NODE", "LINK", "DEMAND", "JOB", "POLICY", "SCENARIO"})
NAME_AFTER = DECL_TYPES | {"EXTENDS", "FOR", "_DASHDASH"}
VALUE_START = frozenset({"NUMBER", "PERCENT", "STRING", "NAME", "TRUE", "FALSE",
                         "MINUS", "LPAR", "LSQB"})
VALUE_END = frozenset({"NUMBER", "PERCENT", "STRING", "NAME", "TRUE", "FALSE", "RPAR", "RSQB"})
CMP_TYPES = frozenset({"LE", "GE", "EQEQ"})
OPENERS = {"_LBRACE": "{", "LPAR": "(", "LSQB": "["}
CLOSERS = frozenset({"RBRACE", "RPAR", "RSQB"})
CLOSER_OF = {"{": "}", "(": ")", "[": "]"}
CLOSER_TYPE = {"}": "RBRACE", ")": "RPAR", "]": "RSQB"}
PUNCT = {"LE": "<=", "GE": ">=", "EQEQ": "==", "EQ": "=", "STAR_EQ": "*=", "PLUS_EQ": "+=",
         "MINUS_EQ": "-=", "PLUS": "+", "MINUS": "-", "STAR": "*", "SLASH": "/",
         "_DASHDASH": "--", "_DOTDOT": "..", "_DOT": ".", "_COMMA": ",", "_COLON": ":",
         "_SEMI": ";", "_LBRACE": "{", "RBRACE": "}", "LPAR": "(", "RPAR": ")",
         "LSQB": "[", "RSQB": "]"}
MAX_TEXT = 40  # characters of a token quoted in a message


@dataclass
class Ctx:
    """What is known at a parse error."""

    tok: Token
    type: str
    expected: frozenset
    stack: list
    source: str
    path: str

    @property
    def prev(self):
        return self.stack[-1] if self.stack else None

    def span(self) -> Span:
        if self.type == "$END":
            line = self.tok.end_line or 1
            col = self.tok.end_column or 1
            return Span(self.path, line, col, line, col + 1)
        return Span(self.path, self.tok.line, self.tok.column,
                    self.tok.end_line, self.tok.end_column)

    def statement_kw(self) -> Token | None:
        """The keyword of the innermost statement still being parsed."""
        for item in reversed(self.stack):
            if isinstance(item, Token) and item.type in STATEMENT_TYPES:
                return item
        return None

    def opener(self, kinds=OPENERS) -> Token | None:
        """The innermost `{`, `(` or `[` (of `kinds`) not yet closed."""
        closed = 0
        for item in reversed(self.stack):
            if not isinstance(item, Token):
                continue
            if item.type in CLOSERS:
                closed += 1
            elif item.type in OPENERS:
                if closed:
                    closed -= 1
                elif item.type in kinds:
                    return item
        return None

    def at_line_start(self) -> bool:
        start = self.source.rfind("\n", 0, self.tok.start_pos) + 1
        return not self.source[start:self.tok.start_pos].strip()

    def next_text(self) -> str:
        """The source just after the offending token, on the same line."""
        rest = self.source[self.tok.end_pos:self.tok.end_pos + 40]
        return rest.split("\n", 1)[0].lstrip(" \t")


def show(text: str) -> str:
    text = escape_control(str(text))
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def describe_token(tok: Token) -> str:
    if tok.type == "$END":
        return "end of file"
    if tok.type in KEYWORD_TYPES:
        return f"keyword `{tok}`"
    if tok.type in ("NAME", "PROP_NAME"):
        return f"name `{show(tok)}`"
    if tok.type in ("NUMBER", "PERCENT"):
        return f"number `{show(tok)}`"
    if tok.type == "STRING":
        return f"string {show(tok)}"
    return f"`{show(tok)}`"


def describe_expected(expected) -> str:
    names = set()
    for term in expected:
        if term in VALUE_START:
            names.add("a value" if "NUMBER" in expected else
                      "a name" if term == "NAME" else f"`{PUNCT.get(term, term.lower())}`")
        elif term == "PROP_NAME":
            names.add("`name = value`")
        elif term in KEYWORD_TYPES:
            names.add(f"`{term.lower()}`")
        elif term in PUNCT:
            names.add(f"`{PUNCT[term]}`")
        elif term == "$END":
            names.add("end of file")
    if STATEMENT_TYPES <= set(expected):
        names = {n for n in names if n.strip("`").upper() not in STATEMENT_TYPES}
        names.add("a declaration (`region`, `node`, `require`, ...)")
    ordered = sorted(names)
    if len(ordered) > 1:
        return ", ".join(ordered[:-1]) + " or " + ordered[-1]
    return ordered[0] if ordered else "something else"


def diag(code, message, ctx: Ctx, label, help, extra=()):
    return error(code, message, ctx.span(), label, help=help, extra=extra)


def opener_label(ctx: Ctx, opener: Token) -> Label:
    span = Span(ctx.path, opener.line, opener.column, opener.line, opener.column + 1)
    return Label(span, f"this `{opener}` is never closed")
