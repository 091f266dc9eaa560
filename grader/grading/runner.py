"""Grading mode: the runner that sends every probe call to a sandboxed worker.

It serves the ``impl`` fixture like ``grader.testkit.harness.LocalRunner``, but
the implementation is never imported in this process; see ``grader.sandbox``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from grader.contract import grades
from grader.sandbox import CallTimeout, Limits, Sandbox
from grader.testkit.harness import EXECUTOR, describe_call

RETRY_TIMEOUT_S = 3.0
PRELOAD = ("numpy", "torch", "torch.fx.experimental.symbolic_shapes")
"""What the fork server imports for every worker: numpy, torch, and what torch imports on a worker's first backward
pass with a given gradient (sympy, most of a second)."""
PRELOAD_FOR = {"utils/data.py": ("sklearn.datasets", "mnist1d.data"), "utils/plot.py": ("matplotlib.pyplot",)}
"""What the tests of a file make the implementation import, preloaded when they run: seconds in every worker that
needs them otherwise (a worker is replaced when its own memory grows)."""


def preload_for(test_files: list[str]) -> tuple[str, ...]:
    """Returns the modules the fork server imports for workers that run the tests in ``test_files`` (names or paths)."""
    extra = [m for rel, modules in PRELOAD_FOR.items() if any(grades(f, rel) for f in test_files) for m in modules]
    return PRELOAD + tuple(extra)


class SandboxRunner:
    """Runs probes in a sandboxed worker process against the implementation rooted at ``root``.

    Keyword arguments go to ``grader.sandbox.Sandbox`` (limits, private paths, user, deadline, isolation, preload:
    default ``PRELOAD``).
    """

    mode = "sandbox"

    def __init__(self, root: Path, **options: Any):
        self.root = Path(root)
        self.sandbox = Sandbox(self.root, EXECUTOR, **{"preload": PRELOAD, **options})
        self.scope: str | None = None
        self.hung: set = set()

    def run(self, name: str, args: list, kwargs: dict, timeout: float | None = None, limits: Limits | None = None,
            key: Any = None) -> Any:
        """Returns the plain-data result of probe ``name``.

        A call that timed out is not repeated in the same ``scope`` (the test
        that runs, set by the grading plugin) with the same ``key`` (default:
        the probe and its leading names): a fault costs only its own test. A
        call whose key timed out in an earlier test gets ``RETRY_TIMEOUT_S`` at
        most, so that a hang repeated by many tests cannot spend the budget.
        ``limits`` replaces the sandbox's resource limits for this call.
        """
        key = key if key is not None else (name, *[a for a in args[:2] if isinstance(a, str)])
        if key in self.hung:
            timeout = min(timeout or self.sandbox.limits.call_timeout_s, RETRY_TIMEOUT_S)
        try:
            return self.sandbox.call(name, args, kwargs, timeout=timeout, what=describe_call(name, args),
                                     key=(self.scope, key), limits=limits)
        except CallTimeout:
            self.hung.add(key)
            raise

    def describe(self) -> str:
        """Returns the isolation the sandbox uses, in one line for the staff."""
        return self.sandbox.isolation.describe()

    def scratch(self) -> Path:
        """Returns a new folder that the worker may read and write (see ``Sandbox.scratch``)."""
        return self.sandbox.scratch()

    def take_output(self) -> str:
        """Returns what the implementation printed since the last call (truncated)."""
        return self.sandbox.take_output()

    def close(self) -> None:
        self.sandbox.close()
