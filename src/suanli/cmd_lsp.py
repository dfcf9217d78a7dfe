"""`suanli lsp`: the language server for editors, speaking LSP over stdin/stdout.

Diagnostics as you type (the codes, spans and help of `suanli check`), hover,
go to definition, find references, completion, formatting (`suanli fmt`) and
document symbols. editors/vscode/ holds a minimal VS Code extension that starts it.
Exit codes: 0 when the editor closes the connection; 2 when the `editor` extra
(pygls, lsprotocol) is not installed.
"""

from __future__ import annotations

from suanli.exitcodes import CommandError, ExitCode


def add_arguments(parser) -> None:
    parser.add_argument("--stdio", action="store_true",
                        help="talk over stdin/stdout (the default and only transport; accepted for editors "
                             "that pass it)")


def run(args) -> int:
    from suanli.cli_common import run_guarded

    return run_guarded(_run, args)


def _run(args) -> int:
    try:
        from suanli.lsp.server import main
    except ImportError as exc:
        raise CommandError(f"suanli: the language server needs {exc.name}: pip install 'suanli[editor]'",
                           ExitCode.INVALID) from None
    return main()
