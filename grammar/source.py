"""Read a spec file safely: bounded size, strict UTF-8, normalised newlines.

Errors are diagnostics (raised in a CompileError), never Python tracebacks:
E0001 the file cannot be read, E0002 it is over the size limit, E0003 it is
not UTF-8 text (or contains a NUL byte, i.e. is binary). A UTF-8 BOM is
dropped and CRLF / lone CR become LF so columns match what editors show.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar

from suanli.diagnostics import CompileError, Span, error

__all__ = ["read_source", "load_source", "source_text", "files_read", "DEFAULT_MAX_BYTES", "unsaved_texts"]

DEFAULT_MAX_BYTES = 8_000_000
_FILES_READ: set[str] = set()  # so an output path can never overwrite an input spec


def files_read() -> frozenset[str]:
    """The real paths of every spec file this process has read."""
    return frozenset(_FILES_READ)

# Editors' unsaved buffers (the language server): real path -> text, read instead of the file.
_UNSAVED: ContextVar[dict[str, str]] = ContextVar("suanli_unsaved_texts", default={})


@contextmanager
def unsaved_texts(texts: dict[str, str]):
    """Within the block, `read_source` of one of these paths returns the given text."""
    token = _UNSAVED.set({os.path.realpath(p): t for p, t in texts.items()})
    try:
        yield
    finally:
        _UNSAVED.reset(token)


def read_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The normalised text of `path`; raises CompileError with E0001-E0003."""
    unsaved = _UNSAVED.get().get(os.path.realpath(path)) if _UNSAVED.get() else None
    if unsaved is not None:
        text = unsaved[1:] if unsaved.startswith("\ufeff") else unsaved
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return load_source(path, max_bytes)[0]


def source_text(name: str, text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Spec text given directly (not read from a file) under the same rules:
    the size limit (E0002), no NUL (E0003), BOM dropped, newlines normalised."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > max_bytes:
        raise _too_big(name, len(data), max_bytes)
    if "\0" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise _not_text(name, data, data.find(b"\0") if "\0" in text else _first_surrogate(data))
    text = text[1:] if text.startswith("\ufeff") else text
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _first_surrogate(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def load_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """(normalised text, text exactly as decoded). The second lets `fmt`
    tell whether rewriting would change the file's bytes (BOM, CRLF)."""
    data = _read_bytes(path, max_bytes)
    raw = _decode(path, data)
    text = raw[1:] if raw.startswith("\ufeff") else raw
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, raw


STDIN = "-"  # the path that means standard input (imports are then relative to the cwd)


def _read_bytes(path: str, max_bytes: int) -> bytes:
    if path == STDIN:
        return _read_stdin(max_bytes)
    try:
        with open(path, "rb") as handle:
            _FILES_READ.add(os.path.realpath(path))
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise _too_big(path, size, max_bytes)
            data = handle.read(max_bytes + 1)  # pipes and /proc files report size 0
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CompileError([error(
            "E0001", f"cannot read `{path}`: {reason}",
            help="check that the path is right and the file is readable")]) from None
    if len(data) > max_bytes:
        raise _too_big(path, len(data), max_bytes, at_least=True)
    return data


def _read_stdin(max_bytes: int) -> bytes:
    import sys

    try:
        data = sys.stdin.buffer.read(max_bytes + 1)
    except (OSError, AttributeError, ValueError) as exc:
        raise CompileError([error("E0001", f"cannot read the spec from standard input: {exc}",
                                  help="pipe a spec in, e.g. `suanli check - < main.spec`")]) from None
    if len(data) > max_bytes:
        raise _too_big("<stdin>", len(data), max_bytes, at_least=True)
    return data


def _too_big(path: str, size: int, limit: int, at_least: bool = False) -> CompileError:
    amount = f"more than {limit:,} bytes" if at_least else f"{size:,} bytes"
    return CompileError([error(
        "E0002", f"`{path}` is {amount}, over the size limit of {limit:,} bytes",
        help=f"if the file is meant to be this large, raise the limit with "
             f"`--max-bytes N` (e.g. `--max-bytes {2 * max(size, limit)}`)")])


def _decode(path: str, data: bytes) -> str:
    nul = data.find(b"\0")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start if nul < 0 else min(nul, exc.start)
        raise _not_text(path, data, bad) from None
    if nul >= 0:
        raise _not_text(path, data, nul)
    return text


def _not_text(path: str, data: bytes, offset: int) -> CompileError:
    before = data[:offset].decode("utf-8").removeprefix("\ufeff")
    before = before.replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    span = Span(path, line, col, line, col + 1)
    if data[offset] == 0:
        message, label = "binary file: NUL byte", "NUL byte here"
    else:
        message, label = f"not valid UTF-8: byte 0x{data[offset]:02x}", "invalid byte here"
    return CompileError([error(
        "E0003", f"`{path}` is not a text file ({message} at {line}:{col})", span, label,
        help="save the spec as UTF-8 text")])
