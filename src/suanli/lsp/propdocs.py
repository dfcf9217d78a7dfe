"""What each property means and defaults to, for hover text (docs/reference.md says
the same at length). Dimensions, ranges and examples come from the compiler's schema;
these tables add the words. A property missing here still hovers with its schema facts.

The words are data, one row per property or metric, tab-separated beside this
module: properties.tsv (kind, property, default, meaning) and metrics.tsv
(metric, dimension, meaning). Lines starting with `#` are comments.
"""

from __future__ import annotations

from importlib.resources import files


def _rows(name: str) -> list[list[str]]:
    text = files("suanli.lsp").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _property_docs() -> dict[str, dict[str, tuple[str, str]]]:
    docs: dict[str, dict[str, tuple[str, str]]] = {}
    for kind, prop, default, meaning in _rows("properties.tsv"):
        docs.setdefault(kind, {})[prop] = (default, meaning)
    return docs


# kind -> property -> (default, meaning)
PROPERTY_DOCS: dict[str, dict[str, tuple[str, str]]] = _property_docs()

# metric -> (dimension, meaning), for hover on `cost`, `compute(...)`, ...
METRIC_DOCS: dict[str, tuple[str, str]] = {metric: (dim, meaning) for metric, dim, meaning in _rows("metrics.tsv")}
