"""Output formats: one module per format family, one registry per kind of document.

    PLAN_FORMATS        `solve --format`: a Plan (or why there is none) -> text
    DIFF_FORMATS        `diff --format`: a PlanDiff -> text
    DIAGNOSTIC_FORMATS  `check --format`: every diagnostic of the files checked -> stdout text
    EXPLAIN_FORMATS     `explain --format`: why a spec is infeasible -> text
    SWEEP_FORMATS       `sweep --format`: the rows of a sweep -> text (parquet: bytes, needs -o)
    ROBUST_PLAN_FORMATS `solve --robust --format`: a RobustPlan -> text
    ROBUST_DIFF_FORMATS `diff --format` of two robust plans

Each registry maps a format name to a renderer taking one argument, the
document to render (suanli.formats.outputs), and returning its text. Its
keys are the `--format` choices of the command, in the order `--help` shows.
A renderer is named by module and function and imported on first call: the
registries cost nothing to import, so `suanli check` loads no solver code.

A new format is one module (functions `plan`, `diff`, `diagnostics`,
`explanation`, as it supports them) and one line in each registry it joins.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Renderer:
    """`module.function(document) -> str` (bytes when binary), imported when first called."""

    module: str
    function: str
    text_on_stderr: bool = True  # DIAGNOSTIC_FORMATS: the rustc-style text is printed on stderr too
    binary: bool = False  # renders bytes, for a file (-o) only

    def __call__(self, document):
        return getattr(importlib.import_module(f"suanli.formats.{self.module}"), self.function)(document)


PLAN_FORMATS = {
    "table": Renderer("table", "plan"),
    "json": Renderer("json", "plan"),
    "markdown": Renderer("markdown", "plan"),
    "html": Renderer("html", "plan"),
    "junit": Renderer("junit", "plan"),
    "sarif": Renderer("sarif", "plan"),
    "github": Renderer("github", "plan"),
}

DIFF_FORMATS = {
    "table": Renderer("table", "diff"),
    "json": Renderer("json", "diff"),
    "markdown": Renderer("markdown", "diff"),
    "html": Renderer("html", "diff"),
}

DIAGNOSTIC_FORMATS = {
    "text": Renderer("table", "diagnostics"),
    "json": Renderer("json", "diagnostics", text_on_stderr=False),
    "junit": Renderer("junit", "diagnostics"),
    "sarif": Renderer("sarif", "diagnostics"),
    "github": Renderer("github", "diagnostics"),
}

EXPLAIN_FORMATS = {
    "text": Renderer("table", "explanation"),
    "json": Renderer("json", "explanation"),
}

SWEEP_FORMATS = {
    "table": Renderer("sweep", "rows_table"),
    "json": Renderer("sweep", "rows_json"),
    "csv": Renderer("sweep", "rows_csv"),
    "parquet": Renderer("sweep", "rows_parquet", binary=True),
}

ROBUST_PLAN_FORMATS = {
    "table": Renderer("robust", "plan_table"),
    "json": Renderer("robust", "plan_json"),
    "markdown": Renderer("robust", "plan_markdown"),
    "html": Renderer("robust", "plan_html"),
}

ROBUST_DIFF_FORMATS = {
    "table": Renderer("robust", "diff_table"),
    "json": Renderer("robust", "diff_json"),
    "markdown": Renderer("robust", "diff_markdown"),
    "html": Renderer("robust", "diff_html"),
}
