"""Pass: read the root spec and everything it imports.

Import paths are relative to the importing file and must stay inside the root
spec's directory once symlinks are resolved. A file reached twice is loaded
once; a cycle is an error listing the whole chain; a symlink loop is E0205.
The walk is iterative, so any depth of imports is fine. The byte limit covers the
root and its imports together.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field

from suanli.diagnostics import CompileError, DiagnosticBag, Label, error
from suanli.grammar import ast
from suanli.grammar.parser import parse
from suanli.grammar.source import read_source, source_text

DEFAULT_MAX_BYTES = 32_000_000


@dataclass
class Sources:
    """Every file read, in inclusion order, with its text (for rendering)."""

    modules: list[ast.Module] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    total_bytes: int = 0


def resolve_imports(root_path: str, diags: DiagnosticBag,
                    max_bytes: int = DEFAULT_MAX_BYTES, text: str | None = None,
                    base: str | None = None) -> Sources:
    """`text`: the root spec's text instead of reading `root_path` (the Python
    API's spec text); it then stands as a file named `root_path` in `base`
    (default: the working directory), which its imports resolve against."""
    sources = Sources()
    real_root = root_path if text is None else os.path.join(os.path.abspath(base or "."), root_path)
    root_dir = os.path.dirname(os.path.realpath(real_root))
    loader = _Loader(root_dir, sources, diags, max_bytes)
    loader.load(real_root, chain=[], display=root_path, text=text)
    return sources


class _Loader:
    """Depth-first, in statement order, with an explicit stack: an import
    chain thousands of files deep needs no Python recursion."""

    def __init__(self, root_dir: str, sources: Sources, diags: DiagnosticBag, max_bytes: int):
        self.root_dir = root_dir
        self.sources = sources
        self.diags = diags
        self.max_bytes = max_bytes
        self.loaded: set[str] = set()

    def load(self, path: str, chain: list[tuple[str, ast.Import | None]], display: str,
             text: str | None = None) -> None:
        # each entry: (path, chain to it, display[, text]) for a file to read, or an
        # import to follow from (importer path, display, chain incl. importer)
        stack: list[tuple] = [("file", path, chain, display, text)]
        while stack:
            entry = stack.pop()
            if entry[0] == "file":
                stack.extend(reversed(self._read(*entry[1:])))
            else:
                found = self._follow(*entry[1:])
                if found is not None:
                    stack.append(("file", *found))

    def _read(self, path: str, chain, display: str, text: str | None = None) -> list[tuple]:
        """Read and parse one file (or the root's given text); the imports to follow, in order."""
        real = os.path.realpath(path)
        self.loaded.add(real)
        try:
            if text is None:
                text = read_source(path, max_bytes=self.max_bytes - self.sources.total_bytes)
            else:
                text = source_text(display, text, self.max_bytes)
        except CompileError as exc:
            self.diags.extend(exc.diagnostics)
            return []
        self.sources.total_bytes += len(text.encode("utf-8"))
        self.sources.texts[display] = text
        module, parse_diags = parse(text, display)
        self.diags.extend(parse_diags)
        if module is None:
            return []
        self.sources.modules.append(module)
        return [("import", stmt, path, display, chain + [(real, stmt)])
                for stmt in module.statements if isinstance(stmt, ast.Import)]

    def _follow(self, stmt: ast.Import, importer: str, importer_display: str,
                chain: list[tuple[str, ast.Import | None]]):
        """(path, chain, display) of the file an import brings in, or None."""
        target = self._target(stmt, importer)
        if target is None:
            return None
        real = os.path.realpath(target)
        stack = [c[0] for c in chain]
        if real in stack:
            self._cycle(stmt, chain, stack.index(real))
            return None
        if real in self.loaded:
            return None  # a file reached twice is loaded once
        display = os.path.normpath(os.path.join(os.path.dirname(importer_display), stmt.path))
        return target, chain, display

    def _target(self, stmt: ast.Import, importer: str) -> str | None:
        if os.path.isabs(stmt.path) or stmt.path.startswith(("/", "\\")) or ":" in stmt.path[:3]:
            self.diags.add(error("E0202", f"import path `{stmt.path}` is absolute", stmt.path_span,
                                 "absolute path", help="write the path relative to this file"))
            return None
        target = os.path.join(os.path.dirname(importer), stmt.path)
        real = os.path.realpath(target)
        if os.path.commonpath([real, self.root_dir]) != self.root_dir:
            self.diags.add(error("E0203", f"import `{stmt.path}` leaves the root spec's directory",
                                 stmt.path_span, "outside the root directory",
                                 help=f"imports must stay inside {_shown(self.root_dir)}, "
                                      "the directory of the root spec"))
            return None
        if _symlink_loop(target):
            self.diags.add(error("E0205", f"import `{stmt.path}` is a symlink loop", stmt.path_span,
                                 "symbolic links that point at each other",
                                 help="make the link point at a real .spec file"))
            return None
        if not os.path.isfile(real):
            self.diags.add(error("E0201", f"imported file `{stmt.path}` not found", stmt.path_span,
                                 "no such file", help=f"looked for {_shown(real)}"))
            return None
        return target

    def _cycle(self, stmt: ast.Import, chain, start: int) -> None:
        names = [os.path.basename(c[0]) for c in chain[start:]] + [os.path.basename(chain[start][0])]
        labels = [Label(c[1].span, "imports the next file") for c in chain[start:-1] if c[1]]
        self.diags.add(error("E0204", "import cycle: " + " -> ".join(names), stmt.span,
                             "closes the cycle", extra=labels,
                             help="remove one of these imports"))


def _symlink_loop(path: str) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _shown(path: str) -> str:
    """A path relative to the working directory when it is below it (stable in goldens)."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel
