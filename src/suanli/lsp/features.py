"""What the language server answers, as plain functions of texts and positions
(no protocol here: server.py adapts them to LSP types). Positions are 1-based
lines and code-point columns, as in suanli's spans."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Optional

from suanli.compiler import units
from suanli.compiler.schema import SCHEMAS
from suanli.grammar import ast
from suanli.lsp.index import FileIndex, Workspace, contains, import_at, name_at
from suanli.lsp.propdocs import METRIC_DOCS, PROPERTY_DOCS

METRIC_NAMES = ("cost", "cost.site", "cost.capex", "cost.opex", "cost.energy", "cost.network", "cost.carbon",
                "energy", "renewable_energy", "carbon", "nodes", "compute", "storage", "memory", "power",
                "served", "utilization", "latency")
_HEADER = re.compile(r"(settings|region|node|link|demand|job)\b[^{}]*\{$", re.S)


def property_hover(kind: str, prop: str) -> Optional[str]:
    spec = SCHEMAS.get(kind, {}).get(prop)
    words = PROPERTY_DOCS.get(kind, {}).get(prop)
    if spec is None and words is None:
        return None
    lines = [f"**{prop}** ({kind} property)"]
    if spec is not None:
        what = " or ".join(units.dim_text(d) for d in spec.dims) if spec.shape == "quantity" else spec.shape
        lines.append(f"expects: {what}" + (" — required" if spec.required else ""))
        if spec.check is not None:
            probe = spec.check(Fraction(-10**9))
            if probe:
                lines.append(f"range: {probe}")
    if words is not None:
        lines.append(f"default: {words[0]}")
        lines.append(words[1])
    if spec is not None and spec.example:
        lines.append(f"example: `{prop} = {spec.example}`")
    lines.append("See docs/reference.md.")
    return "\n\n".join(lines)


def prop_at(idx: FileIndex, line: int, col: int) -> Optional[tuple[str, ast.Prop]]:
    """(declaration kind, property) whose name or value is under the position."""
    if idx.module is None:
        return None
    for stmt in idx.module.statements:
        kind = {"Settings": "settings", "LinkDecl": "link"}.get(type(stmt).__name__)
        kind = kind or getattr(stmt, "kind", None)
        for prop in getattr(stmt, "props", ()):
            if contains(prop.span, line, col):
                return kind, prop
    return None


def quantity_hover(expr) -> Optional[str]:
    """A constant quantity in SI base units (and the unit plans show it in)."""
    from suanli.compiler.evaluate import ConstEvaluator, Currency
    from suanli.diagnostics import DiagnosticBag

    currency = Currency(DiagnosticBag())
    q = ConstEvaluator({}, DiagnosticBag(), currency).eval(expr)
    if q is None:
        return None
    base = units._si_text(q.dim, currency.code)
    shown, scale = units.display_unit(q.dim, currency.code)
    text = f"= {float(q.value):.6g} {base}".rstrip() + f" ({units.dim_text(q.dim)}, SI base units)"
    if shown and shown != base:
        text += f"\n\n= {float(q.value / scale):.6g} {shown}"
    return text


def hover(ws: Workspace, path: str, line: int, col: int) -> Optional[str]:
    idx = ws.files.get(path)
    if idx is None:
        return None
    found = prop_at(idx, line, col)
    if found and contains(found[1].name_span, line, col):
        return property_hover(found[0], found[1].name)
    hit = name_at(idx, line, col)
    if hit is not None and ws.definitions(hit[0]):
        return declaration_hover(ws, hit[0])
    metric = metric_at(idx, line, col)
    if metric is not None:
        dim, meaning = METRIC_DOCS[metric]
        return f"**{metric}** (metric, {dim})\n\n{meaning}\n\nSee docs/reference.md#metrics."
    if found:
        return quantity_hover(found[1].value)
    return None


def metric_at(idx: FileIndex, line: int, col: int) -> Optional[str]:
    for func, span in idx.calls:
        if contains(span, line, col) and func in METRIC_DOCS:
            return func
    hit = name_at(idx, line, col)
    if hit is None:
        return None
    dotted = _dotted_at(idx.text, hit[1])
    return dotted if dotted in METRIC_DOCS else None


def _dotted_at(text: str, span) -> str:
    """`cost.site` when the name under the cursor starts a dotted metric name."""
    line = text.split("\n")[span.line - 1]
    match = re.match(r"[\w.]+", line[span.col - 1:])
    return match.group(0) if match else ""


def declaration_hover(ws: Workspace, name: str) -> str:
    out = []
    for sym in ws.definitions(name):
        idx = ws.files[sym.span.path]
        first = idx.text.splitlines()[sym.whole.line - 1].strip() if sym.whole.line <= len(idx.text.splitlines()) else ""
        head = f"**{sym.kind} {name}**" + (f" — {sym.detail}" if sym.detail else "")
        out.append(f"{head}\n\n```suanli\n{first}\n```\n\ndeclared at {sym.span.path}:{sym.span.line}")
    return "\n\n---\n\n".join(out)


def definition(ws: Workspace, path: str, line: int, col: int):
    """A list of spans (or an import target path)."""
    idx = ws.files.get(path)
    if idx is None:
        return []
    target = import_at(idx, line, col)
    if target is not None:
        return target
    hit = name_at(idx, line, col)
    return [s.span for s in ws.definitions(hit[0])][:1] if hit else []


def references(ws: Workspace, path: str, line: int, col: int, include_declaration: bool):
    idx = ws.files.get(path)
    hit = name_at(idx, line, col) if idx else None
    if hit is None:
        return []
    spans = ws.occurrences(hit[0])
    if not include_declaration:
        decl_spans = {s.span for s in ws.definitions(hit[0])}
        spans = [s for s in spans if s not in decl_spans]
    return spans


def enclosing_kind(text: str, offset: int) -> Optional[str]:
    """The declaration kind of the block the cursor is in, read from the text (works
    while the block is half typed and does not parse)."""
    depth = 0
    for i in range(offset - 1, -1, -1):
        ch = text[i]
        if ch == "}":
            depth += 1
        elif ch == "{":
            if depth == 0:
                start = text.rfind("\n", 0, i) + 1
                match = _HEADER.search(text[start:i + 1].strip())
                return match.group(1) if match else None
            depth -= 1
    return None


def completions(ws: Workspace, path: str, text: str, offset: int) -> list[tuple[str, str, str]]:
    """(label, kind: property|unit|name, detail) for the cursor at `offset`."""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    kind = enclosing_kind(text, offset)
    if kind and re.fullmatch(r"\s*[A-Za-z_]*", before):
        props = sorted(set(SCHEMAS.get(kind, {})) | set(PROPERTY_DOCS.get(kind, {})))
        return [(p, "property", PROPERTY_DOCS.get(kind, {}).get(p, ("", ""))[1]) for p in props]
    if re.search(r"([0-9%)]|[*/])\s*[A-Za-z_]*$", before):
        return [(u, "unit", units.dim_text(units.lookup_unit(u)[1])) for u in units.all_unit_names()]
    names = sorted({(s.name, s.kind) for s in ws.all_decls() if s.kind not in ("link", "require", "assert")})
    return [(n, "name", k) for n, k in names] + [(m, "name", "metric") for m in METRIC_NAMES]


def format_text(text: str, path: str) -> Optional[str]:
    """The canonical layout, or None when the text does not parse."""
    from suanli.diagnostics import CompileError
    from suanli.grammar.fmt import FormatterBug, format_source

    try:
        return format_source(text, path)
    except (CompileError, FormatterBug):
        return None
