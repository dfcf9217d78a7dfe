"""Pass: settings, `let` constants and every declaration, typed and in SI units.

Values stay exact (`Fraction`) until the IR is emitted, so Amdahl sizing and
path ties see the numbers the planner wrote, not their float roundings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from suanli.compiler import units
from suanli.compiler.collect_names import Decls, prop_map
from suanli.compiler.evaluate import ConstEvaluator, Currency, Q
from suanli.compiler.ai_sizing import derives_work
from suanli.compiler.backups import check_backups
from suanli.compiler.namespace import Namespace
from suanli.compiler.schema import HORIZON, SCHEMAS, PropSpec
from suanli.compiler.state import CompileState
from suanli.compiler.typed_props import MISSING, OverrideOp, PropReader
from suanli.diagnostics import DiagnosticBag, Label, Span, error
from suanli.grammar import ast


@dataclass
class Entity:
    kind: str
    name: str
    span: Span
    values: dict = field(default_factory=dict)  # property -> Fraction | str | list | bool | None

    def __getitem__(self, key):
        return self.values.get(key)


@dataclass
class World:
    horizon: Fraction
    utilization: Fraction
    carbon_price: Fraction
    currency: Currency
    regions: dict[str, Entity]
    nodes: dict[str, Entity]
    links: list[Entity]
    demands: dict[str, Entity]
    jobs: dict[str, Entity]
    lets: dict[str, Q]
    namespace: Namespace
    evaluator: ConstEvaluator

    def buildable(self, node: Entity) -> tuple[str, ...]:
        """The regions a node type may be built in (its `regions`, else all), sorted."""
        allowed = node["regions"]
        return tuple(sorted(self.regions if allowed is None else allowed))

    def placed_demands(self) -> list[Entity]:
        """The demands that become IR services, by name (one without a class was reported)."""
        return [d for d in (self.demands[n] for n in sorted(self.demands)) if d["class"] is not None]

    def placed_jobs(self) -> list[Entity]:
        """The jobs that become IR jobs, by name (a missing class, work or deadline was reported)."""
        return [j for j in (self.jobs[n] for n in sorted(self.jobs))
                if j["class"] is not None and j["work"] is not None and j["deadline"] is not None]


def build_entities(state: CompileState, diags: DiagnosticBag) -> CompileState:
    """Pass: the typed world of one period from its declarations and overrides."""
    state.world = build_world(state.decls, state.overrides, diags)
    return state


def build_world(decls: Decls, overrides: dict[tuple[str, str, str], list[OverrideOp]],
                diags: DiagnosticBag) -> World:
    currency = Currency(diags, _declared_currency(decls))
    lets: dict[str, Q] = {}
    evaluator = ConstEvaluator(lets, diags, currency)
    reader = PropReader(evaluator, overrides, diags)
    _eval_lets(decls, evaluator, lets, overrides, diags)
    horizon, utilization, carbon_price = _settings(decls, reader)
    regions = {n: _region(d, reader, horizon) for n, d in decls.regions.items()}
    node_props = {n: _merged_node_props(decls, n, diags) for n in decls.nodes}
    node_classes = {n: _name_of(p, "class") for n, p in node_props.items()}
    workloads = {n: d.kind for n, d in decls.workloads.items()}
    tags = {n: tuple(t for t, _ in e["tags"]) for n, e in regions.items()}
    media = {n: m for n, m in ((n, _name_of(p, "media")) for n, p in node_props.items()) if m}
    namespace = Namespace(tags, {n: c for n, c in node_classes.items() if c}, workloads, diags, media)
    rows = _row_sets()
    nodes = {n: _node(decls.nodes[n], p, reader, horizon, namespace, rows) for n, p in node_props.items()}
    links = [_link(ld, reader, horizon, namespace, rows) for ld in decls.links]
    demands, jobs = {}, {}
    for name, decl in decls.workloads.items():
        target = demands if decl.kind == "demand" else jobs
        target[name] = _workload(decl, reader, horizon, namespace, rows)
    return World(horizon, utilization, carbon_price, currency, regions, nodes, links,
                 demands, jobs, lets, namespace, evaluator)


def _declared_currency(decls: Decls):
    prop = decls.settings.get("currency")
    if prop and isinstance(prop.value, ast.Name) and prop.value.dotted in units.CURRENCIES:
        return (prop.value.dotted, prop.value.span)
    return None


def _eval_lets(decls, evaluator, lets, overrides, diags) -> None:
    for let in decls.lets:
        if units.lookup_unit(let.name) is not None:
            diags.add(error("E0407", f"`{let.name}` is a unit and cannot be redefined", let.name_span,
                            "shadows a unit", help="choose another name for the constant"))
            continue
        ops = overrides.get(("let", let.name, "value"), [])
        expr = ops[-1].value if ops else let.value
        value = evaluator.eval_value(expr)
        if value is not None:
            lets[let.name] = value


def _settings(decls: Decls, reader: PropReader):
    props = decls.settings
    horizon = reader.read("settings", "settings", props, "horizon", default=units.YEAR)
    horizon = units.YEAR if horizon is MISSING else horizon.value if isinstance(horizon, Q) else horizon
    util = reader.read("settings", "settings", props, "utilization", default=1)
    util = Fraction(1) if util is MISSING else util.value if isinstance(util, Q) else Fraction(util)
    price = reader.read("settings", "settings", props, "carbon_price", default=0)
    price = Fraction(0) if price is MISSING else price.value if isinstance(price, Q) else Fraction(price)
    reader.read("settings", "settings", props, "currency")
    return Fraction(horizon), util, price


def _value(result, default=None):
    if result is MISSING or result is None:
        return default
    return result.value if isinstance(result, Q) else result


def _row_value(result, spec: PropSpec, horizon: Fraction):
    """A property's value as the entity keeps it: the schema's default when it is not
    given (or was wrong, and reported), quantities as exact Fractions in SI units,
    a name without its span."""
    if isinstance(result, Q):
        value = result.value
        if spec.over_horizon and result.dim == units.MONEY / units.TIME:
            value = value * horizon  # e.g. site_cost per year, over H
        return value if type(value) is Fraction else Fraction(value)
    if result is None or result is MISSING:
        default = spec.default
        if default is HORIZON:
            return horizon
        return Fraction(default) if default is not None and spec.shape in _NUMBERS else default
    if spec.shape == "name":
        return result[0] if isinstance(result, tuple) else None
    return result


_NUMBERS = ("quantity", "count")


def _read_rows(ent: Entity, read, rows, horizon: Fraction) -> None:
    """Each (name, spec) row read once through `read(name)` into `ent.values`."""
    values = ent.values
    for name, spec in rows:
        values[name] = _row_value(read(name), spec, horizon)


def _plain_rows(kind: str, skip=()):
    """The rows a declaration of `kind` reads generically: numbers and names of the
    single-period spec (year-axis rows belong to years.py; `skip` is read by hand)."""
    return [(n, s) for n, s in SCHEMAS[kind].items()
            if s.shape in ("quantity", "count", "name") and not s.year_axis and n not in skip]


def _row_sets() -> dict:
    """The generic rows of each kind, once per build; a workload whose `work` is derived
    from its model (§9) reads every row but `work` (key (kind, True))."""
    out: dict = {"node": _plain_rows("node"), "link": _plain_rows("link")}
    for kind in ("demand", "job"):
        out[kind, False] = _plain_rows(kind, ("origin",))
        out[kind, True] = _plain_rows(kind, ("origin", "work"))
    return out


def _region(decl: ast.Decl, reader: PropReader, horizon: Fraction) -> Entity:
    """Every row of the region schema, read as the table says (a new region
    property needs no code here)."""
    props = prop_map(decl)
    ent = Entity("region", decl.name, decl.name_span)
    rows = [(n, s) for n, s in SCHEMAS["region"].items() if not s.year_axis]
    _read_rows(ent, lambda n: reader.read("region", decl.name, props, n, None, decl.name_span), rows, horizon)
    return ent


def _merged_node_props(decls: Decls, name: str, diags: DiagnosticBag) -> dict[str, ast.Prop]:
    """`extends` copies the base's properties, then the node's own override them."""
    chain: list[ast.Decl] = []
    decl = decls.nodes[name]
    while decl is not None:
        if decl in chain:
            diags.add(error("E0408", "`extends` cycle: " + " -> ".join(d.name for d in chain + [decl]),
                            decls.nodes[name].name_span, "part of the cycle",
                            help="a node type cannot extend itself"))
            break
        chain.append(decl)
        decl = _base_of(decl, decls, diags)
    merged: dict[str, ast.Prop] = {}
    for d in reversed(chain):
        merged.update(prop_map(d))
    return merged


def _base_of(decl: ast.Decl, decls: Decls, diags: DiagnosticBag):
    if decl.base is None:
        return None
    if decl.base not in decls.nodes:
        from suanli.compiler.evaluate import suggest
        diags.add(error("E0403", f"unknown node type `{decl.base}`", decl.base_span,
                        "`extends` needs a node type", help=suggest(decl.base, decls.nodes)))
        return None
    return decls.nodes[decl.base]


def _name_of(props: dict[str, ast.Prop], key: str) -> str | None:
    prop = props.get(key)
    if prop and isinstance(prop.value, ast.Name) and len(prop.value.parts) == 1:
        return prop.value.parts[0]
    return None


def _node(decl: ast.Decl, props, reader: PropReader, horizon, ns: Namespace, rows: dict) -> Entity:
    ent = Entity("node", decl.name, decl.name_span)
    read = lambda n: reader.read("node", decl.name, props, n, None, decl.name_span)  # noqa: E731
    _read_rows(ent, read, rows["node"], horizon)
    allowed = _value(read("regions"))
    ent.values["regions"] = _resolve_region_list(allowed, ns) if allowed is not None else None
    return ent


def _resolve_region_list(items, ns: Namespace) -> frozenset[str] | None:
    out: set[str] = set()
    for name, span in items:
        regions = ns.regions_of(name, span)
        if regions is None:
            return None
        out |= regions
    return frozenset(out)


def _link(decl: ast.LinkDecl, reader: PropReader, horizon, ns: Namespace, rows: dict) -> Entity:
    props = prop_map(decl)
    owner = f"{decl.a}.{decl.b}"
    ent = Entity("link", f"{decl.a} -- {decl.b}", decl.span)
    ent.values["a"] = ns.region(decl.a, decl.a_span)
    ent.values["b"] = ns.region(decl.b, decl.b_span)
    read = lambda n: reader.read("link", owner, props, n, None, decl.span)  # noqa: E731
    _read_rows(ent, read, rows["link"], horizon)
    return ent


def _workload(decl: ast.Decl, reader: PropReader, horizon, ns: Namespace, rows: dict) -> Entity:
    """A demand or job; `work` is left to ai_sizing when it is derived from the model (§9:
    overrides of `work` then apply to the derived value)."""
    props = prop_map(decl)
    ent = Entity(decl.kind, decl.name, decl.name_span)
    read = lambda n: reader.read(decl.kind, decl.name, props, n, None, decl.name_span)  # noqa: E731
    _read_rows(ent, read, rows[decl.kind, derives_work(decl, props, reader)], horizon)
    origin = read("origin")
    ent.values["origin"] = ns.region(origin[0], origin[1], "origin region") if isinstance(origin, tuple) else None
    ent.values["origin_span"] = origin[1] if isinstance(origin, tuple) else None
    residency = _value(read("residency"))
    ent.values["residency"] = _resolve_region_list(residency, ns) if residency is not None else None
    ent.values["split"] = _value(read("split"), True) if decl.kind == "demand" else False
    if decl.kind == "demand":
        check_backups(decl, props, ent, reader.diags)
    _require_origin(decl, props, ent, reader.diags)
    return ent


def _require_origin(decl: ast.Decl, props, ent: Entity, diags: DiagnosticBag) -> None:
    if ent["origin"] is not None or "origin" in props:
        return
    for name in ("max_latency", "traffic", "data"):
        if name in props:
            diags.add(error("E0701", f"`{name}` needs an `origin`: {decl.kind} `{decl.name}` has none",
                            props[name].name_span, f"{name} is measured from the origin",
                            extra=[Label(decl.name_span, f"{decl.kind} declared here")],
                            help=f"add `origin = REGION` to {decl.kind} `{decl.name}`"))
