"""`settings { robust = [base, growth] }`: the scenarios a robust plan must survive (§10).

A list of scenario names (`base` is the base spec); each must be declared, and
none may repeat. `--robust A,B` on the command line takes precedence (cli).
"""

from __future__ import annotations

from suanli.compiler.collect_names import Decls
from suanli.compiler.evaluate import suggest
from suanli.compiler.typed_props import MISSING, PropReader
from suanli.diagnostics import DiagnosticBag, error


def robust_setting(decls: Decls, overrides, evaluator, diags: DiagnosticBag) -> tuple[str, ...]:
    value = PropReader(evaluator, overrides, diags).read("settings", "settings", decls.settings, "robust",
                                                          default=[])
    if value is MISSING or not value:
        return ()
    names: list[str] = []
    for name, span in value:
        if name != "base" and name not in decls.scenarios:
            diags.add(error("E0412", f"unknown scenario `{name}` in settings.robust", span, "no such scenario",
                            help=suggest(name, list(decls.scenarios) + ["base"])
                            or f"scenarios in this spec: base, {', '.join(decls.scenarios) or '(none)'}"))
        elif name in names:
            diags.add(error("E0412", f"scenario `{name}` is listed twice in settings.robust", span,
                            "listed before", help="list each scenario once"))
        else:
            names.append(name)
    return tuple(names)
