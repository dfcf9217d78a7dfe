"""Editor support: the `suanli lsp` language server (pygls) and what it knows about
the language (property meanings and defaults, a name index of a spec)."""
