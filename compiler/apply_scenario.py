"""Pass: gather the overrides of the selected scenario and of `--set`.

Targets are `settings.PROP`, `region.NAME.PROP` (likewise node, demand, job),
`link.A.B.PROP` and `let.NAME`. An unknown scenario, target or property is an
error with a did-you-mean; `--set` errors point at the command line.
"""

from __future__ import annotations

from suanli.compiler.collect_names import Decls
from suanli.compiler.evaluate import suggest
from suanli.compiler.schema import SCHEMAS
from suanli.compiler.typed_props import OverrideOp
from suanli.diagnostics import NO_SPAN, DiagnosticBag, Span, error

Overrides = dict[tuple[str, str, str], list[OverrideOp]]


def apply_scenario(decls: Decls, scenario: str | None, sets: list[str] | tuple[str, ...],
                   diags: DiagnosticBag) -> Overrides:
    overrides: Overrides = {}
    if scenario is not None and scenario not in decls.scenarios:
        diags.add(error("E0409", f"unknown scenario `{scenario}`", NO_SPAN, "--scenario",
                        help=suggest(scenario, decls.scenarios)
                        or f"scenarios in this spec: {', '.join(sorted(decls.scenarios)) or 'none'}"))
    for name, block in decls.scenarios.items():  # every scenario's targets are checked
        target = overrides if name == scenario else {}
        for ov in block.overrides:
            _add(decls, ov.target.parts, OverrideOp(ov.op, ov.value, ov.span), ov.target.span,
                 target, diags)
    for text in sets:
        parsed = _parse_set(text, diags)
        if parsed:
            parts, op = parsed
            _add(decls, parts, op, NO_SPAN, overrides, diags)
    return overrides


def split_set(text: str) -> tuple[tuple[str, ...], str, str] | None:
    """`kind.name.prop OP= VALUE` of `--set` as (target parts, op, value text); None without `=`.
    The one reading of its syntax (suanli.testing edits spec text with it too)."""
    if "=" not in text:
        return None
    target, value_text = text.split("=", 1)
    op = "="
    if target and target[-1] in "*+-":
        op, target = target[-1] + "=", target[:-1]
    return tuple(target.strip().split(".")), op, value_text


def _parse_set(text: str, diags: DiagnosticBag):
    from suanli.grammar.parser import parse_expression
    split = split_set(text)
    if split is None:
        diags.add(error("E0410", f"--set `{text}` has no `=`", NO_SPAN, "--set",
                        help="write --set kind.name.prop=VALUE, e.g. --set region.guizhou.pue=1.2"))
        return None
    parts, op, value_text = split
    value, value_diags = parse_expression(value_text, "<--set>")
    if value is None:
        diags.extend(value_diags)
        return None
    return parts, OverrideOp(op, value, NO_SPAN)


def _add(decls: Decls, parts: tuple[str, ...], op: OverrideOp, span: Span, overrides: Overrides,
         diags: DiagnosticBag) -> None:
    key = _key(decls, parts, span, diags)
    if key is not None:
        overrides.setdefault(key, []).append(op)


def _key(decls: Decls, parts, span: Span, diags: DiagnosticBag):
    kind = parts[0] if parts else ""
    tables = {"region": decls.regions, "node": decls.nodes, "demand": decls.workloads,
              "job": decls.workloads}
    if kind == "settings" and len(parts) == 2:
        return _prop_key("settings", "settings", parts[1], span, diags)
    if kind == "let" and len(parts) == 2:
        if parts[1] in {let.name for let in decls.lets}:
            return ("let", parts[1], "value")
        return _unknown(f"constant `{parts[1]}`", span, diags, [let.name for let in decls.lets])
    if kind == "link" and len(parts) == 4:
        pair = frozenset(parts[1:3])
        for link in decls.links:
            if frozenset((link.a, link.b)) == pair:
                return _prop_key("link", f"{link.a}.{link.b}", parts[3], span, diags)
        return _unknown(f"link `{parts[1]} -- {parts[2]}`", span, diags, [])
    if kind in tables and len(parts) == 3:
        table = tables[kind]
        if parts[1] not in table or table[parts[1]].kind != kind:
            return _unknown(f"{kind} `{parts[1]}`", span, diags,
                            [n for n, d in table.items() if d.kind == kind])
        return _prop_key(kind, parts[1], parts[2], span, diags)
    return _unknown(f"override target `{'.'.join(parts)}`", span, diags, [],
                    "targets look like region.NAME.PROP, settings.PROP, link.A.B.PROP or let.NAME")


def _prop_key(kind: str, owner: str, prop: str, span: Span, diags: DiagnosticBag):
    if prop not in SCHEMAS[kind]:
        return _unknown(f"{kind} property `{prop}`", span, diags, list(SCHEMAS[kind]))
    return (kind, owner, prop)


def _unknown(what: str, span: Span, diags: DiagnosticBag, candidates, hint: str | None = None):
    name = what.split("`")[1] if "`" in what else what
    diags.add(error("E0411", f"unknown {what}", span, "no such override target",
                    help=suggest(name, candidates) or hint))
    return None

