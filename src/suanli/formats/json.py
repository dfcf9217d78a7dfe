"""`--format json`: the plan (docs/plan.md), the PlanDiff (docs/ci.md) and
`check`'s diagnostics, as sorted, indented UTF-8 JSON with rounded numbers."""

from __future__ import annotations

import json

from suanli.formats.outputs import DiagnosticOutput, DiffOutput, ExplainOutput, PlanOutput
from suanli.rounding import round_sig


def _text(data, sort_keys: bool = False) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, sort_keys=sort_keys) + "\n"


def plan(out: PlanOutput) -> str:
    from suanli.solver.plan import dumps

    if out.plan is None:
        invalid = out.invalid
        return _text({"status": "error", "spec": out.spec, "message": out.invalid_message, "errors": invalid.errors,
                      "diagnostics": [d.to_json() for d in invalid.diagnostics]})
    return dumps(out.plan)


def diff(out: DiffOutput) -> str:
    return diff_dumps(out.diff)


def diff_dumps(diff) -> str:
    """A PlanDiff as `suanli diff --format json` writes it (numbers as the plan JSON rounds them)."""
    def rounded(obj):
        if isinstance(obj, dict):
            return {k: rounded(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [rounded(v) for v in obj]
        return round_sig(obj) if isinstance(obj, float) else obj

    return _text(rounded(diff.model_dump(mode="json")), sort_keys=True)


def diagnostics(out: DiagnosticOutput) -> str:
    payload = {"files": list(out.files), "errors": out.errors, "warnings": out.warnings,
               "diagnostics": [d.to_json() for d in out.diagnostics]}
    if out.derived:  # §9: only specs with AI-sized workloads gain the key
        payload["derived"] = out.derived
    return _text(payload)


def explanation(out: ExplainOutput) -> str:
    payload = {"status": out.status, "infeasibility": [i.model_dump(mode="json") for i in out.items]}
    if out.scenarios is not None:
        payload.update(scenarios=out.scenarios, infeasible_alone=out.infeasible_alone)
    return _text(payload, sort_keys=True)
