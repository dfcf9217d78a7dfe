"""matplotlib figures to deterministic inline SVG.

Determinism: a fixed `svg.hashsalt` (clip-path ids), no date in the metadata, text kept
as SVG <text> (`svg.fonttype = none`) so the bytes do not depend on glyph caches and
the browser's fonts draw names DejaVu Sans lacks (CJK region names). Each chart's ids
get a prefix so several charts can share one HTML page without clashing.
"""

from __future__ import annotations

import io
import re
import warnings

import matplotlib

matplotlib.use("Agg")  # no display needed; the figure is only ever saved as SVG

import matplotlib.pyplot as plt  # noqa: E402

STYLE = {
    "svg.hashsalt": "suanli-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}

_XML_HEAD = re.compile(r"\A.*?(?=<svg)", re.S)
_ID = re.compile(r'(id="|url\(#|xlink:href="#|href="#)([A-Za-z_][\w.-]*)')


def new_figure(width_in: float, height_in: float):
    with matplotlib.rc_context(STYLE):
        return plt.figure(figsize=(width_in, height_in), dpi=72)


def to_svg(fig, chart_id: str) -> str:
    """The figure as an <svg> element (no XML prolog), ids prefixed by `chart_id`."""
    buf = io.StringIO()
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph missing" for CJK: the browser draws those
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    text = _XML_HEAD.sub("", buf.getvalue())
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)  # RDF boilerplate
    text = _ID.sub(lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", text)
    text = re.sub(r"<svg ", f'<svg class="chart" data-chart="{chart_id}" role="img" ', text, count=1)
    return text.strip() + "\n"


def styled(func):
    """Run a chart builder with the report's matplotlib style."""
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return func(*args, **kwargs)
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper
