"""The HTML pages' structure, for tests that read them as a browser would: the page's h1 and,
per <section id>, its h2 title, its tables (rows of cell texts) and its chart ids."""

from html.parser import HTMLParser


class Sections(HTMLParser):
    """`h1`: the page title's text; `sections`: {section id: {"title": h2 text,
    "tables": [[row cells], ...] per table, "charts": [ids]}}."""

    def __init__(self):
        super().__init__()
        self.sections, self.current, self.cell, self.text, self.h1 = {}, None, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1 = []
        elif tag == "section":
            self.current = self.sections.setdefault(attrs.get("id", f"anon-{len(self.sections)}"),
                                                    {"title": "", "tables": [], "charts": []})
        elif self.current is None:
            return
        elif tag == "h2":
            self.text = []
        elif tag == "table":
            self.current["tables"].append([])
        elif tag == "tr":
            self.current["tables"][-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "svg" and "data-chart" in attrs:
            self.current["charts"].append(attrs["data-chart"])

    def handle_endtag(self, tag):
        if tag == "h1" and isinstance(self.h1, list):
            self.h1 = "".join(self.h1).strip()
        elif tag == "section":
            self.current = None
        elif tag == "h2" and self.text is not None:
            self.current["title"], self.text = "".join(self.text).strip(), None
        elif tag in ("td", "th") and self.cell is not None:
            self.current["tables"][-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        for sink in (self.cell, self.text, self.h1):
            if isinstance(sink, list):
                sink.append(data)


def parse(page: str) -> Sections:
    parser = Sections()
    parser.feed(page)
    parser.close()
    return parser
