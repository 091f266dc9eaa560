"""How one call to a worker is watched, so that only what the code did is held against it.

- Time: a call's limit is stretched by the time its worker waited, ready to
  run, for a CPU (``/proc/PID/schedstat``; a busy machine), up to
  ``MAX_STRETCH`` times; a call that timed out having waited ``STARVED_SHARE``
  of its time for a CPU is the machine's fault.
- Memory and space: every ``MEASURE_EVERY_S`` of a long call the sandbox is
  measured (private pages, shared memory and in-memory files; what its folders
  hold): over the worker's limits, the call ends (``OverLimit``).
- Faults (``Fault``): what the machine may have caused is told apart from what
  the code did when the call is tried again.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from grader.sandbox.errors import StudentCodeError
from grader.sandbox.limits import Limits

MEASURE_EVERY_S = 2.0
MAX_STRETCH = 3.0
STARVED_SHARE = 0.5


class Fault(Exception):
    """A call failed in a way the machine may have caused: ``text`` for the staff; ``persistent`` the error that
    is the code's when it happens every time (None: then it is the machine's, ``MachineFault``)."""

    def __init__(self, text: str, persistent: StudentCodeError | None = None):
        super().__init__(text)
        self.text, self.persistent = text, persistent


class OverLimit(Exception):
    """The sandbox's measured memory or space went over its limit during a call; the message says which."""


@dataclass
class Watch:
    """One call under way: when it started, how long its worker had waited for a CPU then, its limits."""

    limit: float
    limits: Limits
    delay_ns: int | None
    budget_deadline: float
    start: float = field(default_factory=time.monotonic)
    waited_s: float = 0.0
    measured: float = field(default_factory=time.monotonic)

    def starved(self) -> bool:
        """Whether the call spent most of its time waiting for a CPU (a busy machine, not the code)."""
        return self.waited_s >= STARVED_SHARE * (time.monotonic() - self.start)

    def check(self, measure: Callable[[], tuple[int, int]], run_delay: Callable[[], int | None],
              deadline: float) -> float:
        """Returns the call's deadline, moved by the time the worker waited for a CPU (``run_delay()``, ns);
        every MEASURE_EVERY_S ``measure()``s the sandbox's (memory, space) in kB and raises OverLimit when it
        holds more than it may."""
        now = time.monotonic()
        if now - self.measured >= MEASURE_EVERY_S:
            self.measured = now
            memory_kb, space_kb = measure()
            if self.limits.memory_mb and memory_kb > self.limits.memory_mb * 1024:
                raise OverLimit(f"it held {memory_kb // 1024} MB of memory (shared memory and in-memory files "
                                 f"included), over the limit of {self.limits.memory_mb} MB")
            if space_kb > self.limits.space_mb * 1024:
                raise OverLimit(f"its files took {space_kb // 1024} MB, over the limit of {self.limits.space_mb} MB")
        if now < deadline or self.delay_ns is None:
            return deadline
        delay = run_delay()
        if delay is not None:
            self.waited_s = max(delay - self.delay_ns, 0) / 1e9
        return min(self.start + min(self.limit + self.waited_s, MAX_STRETCH * self.limit), self.budget_deadline)
