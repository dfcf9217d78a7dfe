"""Name resolution for region lists, selectors and `for` domains.

Selectors name regions, tags, node types or classes. A name that means more
than one of these (a tag and a class both called `ai`) is an error at its use,
as is an unknown name (with a did-you-mean suggestion).
"""

from __future__ import annotations

from dataclasses import dataclass

from suanli.compiler.evaluate import suggest
from suanli.diagnostics import DiagnosticBag, Span, error


@dataclass(frozen=True)
class Selection:
    """Regions and node types selected by one selector (None = not restricted)."""

    regions: frozenset[str] | None = None
    node_types: frozenset[str] | None = None


class Namespace:
    def __init__(self, regions: dict[str, tuple[str, ...]], node_classes: dict[str, str],
                 workloads: dict[str, str], diags: DiagnosticBag, node_media: dict[str, str] | None = None):
        self.regions = regions  # region name -> tags
        self.node_classes = node_classes  # node type name -> class
        self.workloads = workloads  # demand/job name -> "demand" | "job"
        self.diags = diags
        self.tags: dict[str, frozenset[str]] = {}
        for name, tags in regions.items():
            for tag in tags:
                self.tags.setdefault(tag, frozenset())
                self.tags[tag] = self.tags[tag] | {name}
        self.classes: dict[str, frozenset[str]] = {}
        for node, cls in node_classes.items():
            self.classes[cls] = self.classes.get(cls, frozenset()) | {node}
        self.media: dict[str, frozenset[str]] = {}  # §9: media name -> node types (like a class)
        for node, media in (node_media or {}).items():
            self.media[media] = self.media.get(media, frozenset()) | {node}

    def meanings(self, name: str) -> dict[str, Selection]:
        found: dict[str, Selection] = {}
        if name in self.regions:
            found["region"] = Selection(regions=frozenset({name}))
        if name in self.tags:
            found["tag"] = Selection(regions=self.tags[name])
        if name in self.node_classes:
            found["node type"] = Selection(node_types=frozenset({name}))
        if name in self.classes:
            found["class"] = Selection(node_types=self.classes[name])
        if name in self.media:
            found["media"] = Selection(node_types=self.media[name])
        return found

    def selector(self, name: str, span: Span, allowed=("region", "tag", "node type", "class")
                 ) -> Selection | None:
        if "class" in allowed and self.media:
            allowed = (*allowed, "media")  # a media name selects node types wherever a class does
        found = {k: v for k, v in self.meanings(name).items() if k in allowed}
        if len(found) > 1:
            kinds = " and a ".join(sorted(found))
            self.diags.add(error("E0406", f"ambiguous name `{name}`: it is a {kinds}", span,
                                 "could mean either", help="rename one of them so the selector "
                                 "says which it means"))
            return None
        if not found:
            self._unknown(name, span, allowed)
            return None
        return next(iter(found.values()))

    def regions_of(self, name: str, span: Span) -> frozenset[str] | None:
        """A region or tag name, as a set of regions (for lists like `residency`)."""
        sel = self.selector(name, span, allowed=("region", "tag"))
        return None if sel is None else sel.regions

    def region(self, name: str, span: Span, what: str = "region") -> str | None:
        if name in self.regions:
            return name
        self._unknown(name, span, ("region",), what)
        return None

    def workload(self, name: str, span: Span) -> str | None:
        if name in self.workloads:
            return name
        self._unknown(name, span, ("demand", "job"))
        return None

    def _candidates(self, allowed) -> list[str]:
        pools = {"region": self.regions, "tag": self.tags, "node type": self.node_classes,
                 "class": self.classes, "media": self.media, "demand": self.workloads, "job": self.workloads}
        return [n for kind in allowed for n in pools.get(kind, ())]

    def _unknown(self, name: str, span: Span, allowed, what: str | None = None) -> None:
        what = what or " or ".join(dict.fromkeys(allowed))
        self.diags.add(error("E0403", f"unknown {what} `{name}`", span, f"no {what} has this name",
                             help=suggest(name, self._candidates(allowed))
                             or f"declare it, or use one of the known names"))
