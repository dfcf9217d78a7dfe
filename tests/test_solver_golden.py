"""Golden plans: tests/golden/plans/NAME.spec -> NAME.json (the exact bytes
`solve --format json` prints, with `spec` normalised). Regenerate with
SUANLI_REGEN_GOLDEN=1 and review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "plans"
SPECS = sorted(GOLDEN.glob("*.spec"))


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_golden_plan(spec):
    compiler = pytest.importorskip("suanli.compiler.pipeline")
    from suanli.solver.plan import dumps
    from suanli.solver.solve import SolveConfig, solve_program

    plan = solve_program(compiler.load(str(spec)), SolveConfig()).plan
    plan = plan.model_copy(update={"spec": spec.name})
    plan.warnings = [w.model_copy(update={"location": w.location and w.location.replace(str(GOLDEN) + "/", "")})
                     for w in plan.warnings]
    text = dumps(plan).replace(str(GOLDEN) + "/", "")
    target = spec.with_suffix(".json")
    if os.environ.get("SUANLI_REGEN_GOLDEN") or not target.exists():
        target.write_text(text)
    assert json.loads(text) == json.loads(target.read_text())
    assert text == target.read_text()
