"""hypothesis profiles of the suites: ``dev`` (few examples), ``ci`` and ``grading`` (derandomized).

``ci`` and ``grading`` meet the same examples on every run and report a failure
without shrinking it (a hidden test never shows its example anyway); no
deadline, since machines are noisy. Their bound on examples keeps a grade within
its CPU budget: ``EXAMPLES`` a property, where every curated and mechanical mutant
is already killed with 12.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
_NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]
EXAMPLES = 20


def register_profiles() -> None:
    """Registers the three profiles with hypothesis."""
    settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=_SLOW_OK)
    settings.register_profile("ci", max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                              print_blob=False, phases=_NO_SHRINK, suppress_health_check=_SLOW_OK)
    settings.register_profile("grading", max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                              print_blob=False, report_multiple_bugs=False, phases=_NO_SHRINK,
                              suppress_health_check=_SLOW_OK)


def default_profile() -> str:
    """Returns the profile a run without ``--hypothesis-profile`` uses: ``ci`` under CI, else ``dev``."""
    return "ci" if os.environ.get("CI") else "dev"
