"""Shared test configuration: Hypothesis profiles.

`ci` (selected when CI=true or HYPOTHESIS_PROFILE=ci) bounds the examples and
turns the deadline off, so a slow shared runner never makes a property flaky.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
