"""`--samples N --seed S`: perturbations drawn by `suanli.testing.perturbations`.

The strategy is the testing kit's own; Hypothesis draws from it under a fixed
seed (`@seed`, generate phase only, no example database), so the same spec,
seed and Hypothesis version give the same samples. Hypothesis also mixes in
integer constants it finds in the source of "local" (not installed) modules;
that would make the draws depend on how suanli is installed (editable or not),
so the drawing runs with that pool empty.
"""

from __future__ import annotations

import contextlib


def draw_samples(path: str, count: int, seed: int, scenario=None) -> list:
    """The first `count` distinct perturbations drawn with `seed` (fewer when the
    spec offers fewer)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    from suanli.testing import perturbations

    strategy = perturbations(path, scenario=scenario)
    drawn: list = []

    @fixed_seed(seed)
    @settings(max_examples=max(4 * count, 20), phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck), derandomize=False, print_blob=False)
    @given(strategy)
    def collect(p):
        if len(drawn) < count and p not in drawn:
            drawn.append(p)

    with _no_local_constants():
        collect()
    return drawn


@contextlib.contextmanager
def _no_local_constants():
    try:
        from hypothesis.internal.conjecture import providers
        empty = providers.Constants()
        original = providers._get_local_constants
    except (ImportError, AttributeError):  # another Hypothesis: nothing to pin
        yield
        return
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
