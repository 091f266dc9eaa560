"""The sandbox: the only place student code runs when grading; only plain data comes back.

``Sandbox`` (the supervisor, ``supervisor.py``) keeps one worker at a time and
sends it calls over a pipe (``protocol.py``). Workers (``worker.py``) are forked
by a fork server (``forkserver.py``), run with resource limits (``limits.py``)
and, where possible, as an unprivileged user (``isolation.py``). Failures come
back as the exceptions of ``errors.py``.
"""
from grader.sandbox.errors import (BadReply, BudgetExhausted, CallTimeout, MachineFault, SandboxError, StudentCodeError,
                                   WorkerDied, remote_error)
from grader.sandbox.host import DEFAULT_USER
from grader.sandbox.isolation import private_paths, unreachable_for_others
from grader.sandbox.limits import Limits
from grader.sandbox.supervisor import Sandbox

__all__ = ["BadReply", "BudgetExhausted", "CallTimeout", "DEFAULT_USER", "Limits", "MachineFault", "Sandbox",
           "SandboxError",
           "StudentCodeError", "WorkerDied", "private_paths", "remote_error", "unreachable_for_others"]
