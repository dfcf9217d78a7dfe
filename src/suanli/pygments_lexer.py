"""A Pygments lexer for `.spec` files, registered as the `suanli` entry point so
`pygmentize -l suanli specs/example.spec` (and Sphinx/MkDocs code blocks) colour them.

Self-contained on purpose (no compiler import): Pygments loads it in any process.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

IDENT = r"[^\W\d]\w*"
DECLARATIONS = ("region", "node", "demand", "job", "policy", "scenario", "let")
KEYWORDS = ("settings", "import", "link", "require", "assert", "advisory", "mandatory", "for", "in",
            "objective", "extends", "minimize", "maximize", "at", "from")
METRICS = ("cost", "energy", "renewable_energy", "carbon", "nodes", "compute", "storage", "memory", "power",
           "served", "utilization", "latency", "tag")
_PREFIXED = ("W", "Wh", "J", "FLOPS", "FLOP", "B", "bit", "bps")
UNITS = tuple(p + u for u in _PREFIXED for p in ("", "k", "M", "G", "T", "P", "E")) + (
    "gCO2", "kgCO2", "tCO2", "ktCO2", "MtCO2", "s", "ms", "min", "h", "day", "days", "week", "weeks",
    "month", "months", "year", "years")


class SuanliLexer(RegexLexer):
    name = "suanli"
    aliases = ["suanli", "spec"]
    filenames = ["*.spec"]
    mimetypes = ["text/x-suanli"]
    url = "https://github.com/your-org/suanli"

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (r'"(\\\\|\\"|[^"])*"', String.Double),
            (r"(" + "|".join(DECLARATIONS) + r")(\s+)(" + IDENT + r")",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (words(("true", "false"), suffix=r"\b"), Keyword.Constant),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (r"(" + IDENT + r")(\s*)(=)(?!=)", bygroups(Name.Attribute, Whitespace, Operator)),
            (r"(" + IDENT + r")(\s*)(\*=|\+=|-=)", bygroups(Name.Attribute, Whitespace, Operator)),
            (r"(\d[\d_]*\.?[\d_]*([eE][+-]?\d+)?%?|\.\d[\d_]*([eE][+-]?\d+)?%?)", Number),
            (words(METRICS, suffix=r"\b(?=\s*[(.]|\s*$|\s*[-+*/<>=)]|\s+in\b)"), Name.Builtin),
            (words(UNITS, prefix=r"(?<![\w.])", suffix=r"\b"), Keyword.Type),
            (r"[A-Z]{3}\b", Keyword.Type),  # the currency (CNY, USD, ...)
            (IDENT + r"(\." + IDENT + r")*", Name),
            (r"--|\.\.|<=|>=|==|[-+*/<>=]", Operator),
            (r"[{}()\[\],:;]", Punctuation),
            (r".", Text),
        ],
    }
