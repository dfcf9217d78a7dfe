"""`suanli lsp`: a Language Server over stdio (pygls 2 + lsprotocol).

Diagnostics are `suanli check`'s (same codes, spans and help), recomputed from the
editor's unsaved text on every change; the rest (hover, definition, references,
completion, formatting, symbols) is in features.py.
"""

from __future__ import annotations

import os

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from suanli.diagnostics import Severity, Span
from suanli.lsp import features
from suanli.lsp.index import Workspace

SEVERITY = {Severity.ERROR: t.DiagnosticSeverity.Error, Severity.WARNING: t.DiagnosticSeverity.Warning,
            Severity.NOTE: t.DiagnosticSeverity.Information}
SYMBOL_KINDS = {"region": t.SymbolKind.Module, "node": t.SymbolKind.Class, "link": t.SymbolKind.Interface,
                "demand": t.SymbolKind.Event, "job": t.SymbolKind.Function, "let": t.SymbolKind.Constant,
                "policy": t.SymbolKind.Package, "scenario": t.SymbolKind.Enum, "require": t.SymbolKind.Boolean,
                "assert": t.SymbolKind.Boolean}


class SuanliServer(LanguageServer):
    def __init__(self):
        from suanli import __version__

        super().__init__("suanli", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Full)
        self.published: dict[str, set[str]] = {}  # root uri -> uris it published diagnostics for

    def texts(self) -> dict[str, str]:
        return {to_fs_path(uri): doc.source for uri, doc in self.workspace.text_documents.items()}

    def lines_of(self, path: str) -> list[str]:
        texts = self.texts()
        if path in texts:
            return texts[path].split("\n")
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read().split("\n")
        except (OSError, UnicodeDecodeError):
            return []

    def workspace_for(self, uri: str) -> Workspace:
        return Workspace(to_fs_path(uri), self.texts())


def _utf16(line: str, col: int) -> int:
    return len(line[:col - 1].encode("utf-16-le")) // 2


def _from_utf16(line: str, character: int) -> int:
    units = 0
    for i, ch in enumerate(line):
        if units >= character:
            return i + 1
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line) + 1


def to_range(server: SuanliServer, span: Span) -> t.Range:
    lines = server.lines_of(os.path.abspath(span.path))

    def pos(line: int, col: int) -> t.Position:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return t.Position(line=max(0, line - 1), character=_utf16(text, col))
    return t.Range(start=pos(span.line, span.col), end=pos(span.end_line, span.end_col))


def to_location(server: SuanliServer, span: Span) -> t.Location:
    return t.Location(uri=from_fs_path(os.path.abspath(span.path)), range=to_range(server, span))


def position(server: SuanliServer, uri: str, pos: t.Position) -> tuple[str, int, int]:
    path = to_fs_path(uri)
    lines = server.lines_of(path)
    text = lines[pos.line] if pos.line < len(lines) else ""
    return path, pos.line + 1, _from_utf16(text, pos.character)


server = SuanliServer()


def publish(ls: SuanliServer, uri: str) -> None:
    from suanli.compiler.pipeline import compile_spec
    from suanli.grammar.source import unsaved_texts

    with unsaved_texts(ls.texts()):
        result = compile_spec(to_fs_path(uri))
    by_uri: dict[str, list[t.Diagnostic]] = {uri: []}
    for d in result.diagnostics:
        if d.span is None or d.span.path.startswith("<"):
            target, rng = uri, t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0))
        else:
            target, rng = from_fs_path(os.path.abspath(d.span.path)), to_range(ls, d.span)
        message = d.message + "".join(f"\nnote: {n}" for n in d.notes) + (f"\nhelp: {d.help}" if d.help else "")
        related = [t.DiagnosticRelatedInformation(location=to_location(ls, lab.span), message=lab.text)
                   for lab in d.labels[1:] if not lab.span.path.startswith("<")]
        by_uri.setdefault(target, []).append(t.Diagnostic(
            range=rng, message=message, severity=SEVERITY[d.severity], code=d.code, source="suanli",
            related_information=related or None))
    for stale in ls.published.get(uri, set()) - set(by_uri):
        by_uri[stale] = []
    ls.published[uri] = set(by_uri)
    for target, diags in sorted(by_uri.items()):
        ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=target, diagnostics=diags))


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: SuanliServer, params: t.DidOpenTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: SuanliServer, params: t.DidChangeTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: SuanliServer, params: t.DidSaveTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(t.TEXT_DOCUMENT_HOVER)
def hover(ls: SuanliServer, params: t.HoverParams):
    path, line, col = position(ls, params.text_document.uri, params.position)
    text = features.hover(ls.workspace_for(params.text_document.uri), path, line, col)
    if text is None:
        return None
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text))


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
def definition(ls: SuanliServer, params: t.DefinitionParams):
    path, line, col = position(ls, params.text_document.uri, params.position)
    found = features.definition(ls.workspace_for(params.text_document.uri), path, line, col)
    if isinstance(found, str):  # an import: the file itself
        zero = t.Position(line=0, character=0)
        return [t.Location(uri=from_fs_path(found), range=t.Range(start=zero, end=zero))]
    return [to_location(ls, span) for span in found]


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
def references(ls: SuanliServer, params: t.ReferenceParams):
    path, line, col = position(ls, params.text_document.uri, params.position)
    spans = features.references(ls.workspace_for(params.text_document.uri), path, line, col,
                                params.context.include_declaration)
    return [to_location(ls, span) for span in spans]


@server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", "/", "*"]))
def completion(ls: SuanliServer, params: t.CompletionParams):
    doc = ls.workspace.get_text_document(params.text_document.uri)
    offset = doc.offset_at_position(params.position)
    kinds = {"property": t.CompletionItemKind.Property, "unit": t.CompletionItemKind.Unit,
             "name": t.CompletionItemKind.Reference}
    items = features.completions(ls.workspace_for(params.text_document.uri), to_fs_path(doc.uri),
                                 doc.source, offset)
    return t.CompletionList(is_incomplete=False, items=[
        t.CompletionItem(label=label, kind=kinds[kind], detail=detail or None) for label, kind, detail in items])


@server.feature(t.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: SuanliServer, params: t.DocumentFormattingParams):
    doc = ls.workspace.get_text_document(params.text_document.uri)
    out = features.format_text(doc.source, to_fs_path(doc.uri))
    if out is None or out == doc.source:
        return [] if out is not None else None
    lines = doc.source.split("\n")
    end = t.Position(line=len(lines) - 1, character=_utf16(lines[-1], len(lines[-1]) + 1))
    return [t.TextEdit(range=t.Range(start=t.Position(line=0, character=0), end=end), new_text=out)]


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: SuanliServer, params: t.DocumentSymbolParams):
    path = to_fs_path(params.text_document.uri)
    idx = ls.workspace_for(params.text_document.uri).files.get(path)
    if idx is None:
        return []
    return [t.DocumentSymbol(name=s.name, kind=SYMBOL_KINDS[s.kind], range=to_range(ls, s.whole),
                             selection_range=to_range(ls, s.span), detail=s.detail or s.kind)
            for s in idx.decls if s.kind in SYMBOL_KINDS]


def main() -> int:
    server.start_io()
    return 0
