"""What can go wrong when student code runs in the sandbox, as exceptions the grader can tell apart.

``StudentCodeError`` and its subclasses are failures of the implementation under
test (a raised exception, a time-out, a dead worker, a malformed reply);
``SandboxError`` is a failure of the sandbox itself, never the student's fault;
``MachineFault`` is one that struck a call (after the call was retried): the
test it struck is not graded, and neither is the submission.
"""
from __future__ import annotations

import builtins


class SandboxError(RuntimeError):
    """The sandbox itself cannot work (no worker starts); not the student's fault."""


class MachineFault(SandboxError):
    """A call could not be run because of the machine, not the code (a worker that did not start, was killed from
    outside, or was starved of CPU), every time it was tried."""


class StudentCodeError(Exception):
    """A failure of the implementation under test, reported by or about the worker.

    ``message`` is what went wrong, ``type_name`` the exception class raised in
    the worker, and ``where`` the traceback limited to the student's files.
    """

    def __init__(self, message: str, type_name: str = "", where: str = ""):
        super().__init__(message)
        self.message = message
        self.type_name = type_name or type(self).__name__
        self.where = where

    def __str__(self) -> str:
        generic = type(self) is StudentCodeError and self.type_name != "StudentCodeError"
        return (f"{self.type_name}: " if generic else "") + self.message + (f"\n{self.where}" if self.where else "")


class CallTimeout(StudentCodeError):
    """A call ran past its time limit (the worker was killed)."""


class WorkerDied(StudentCodeError):
    """The worker exited or was killed during a call."""


class BudgetExhausted(StudentCodeError):
    """The whole run's time budget was spent before this call."""


class BadReply(StudentCodeError):
    """The worker's reply was not a well-formed frame of plain data."""


_NOT_MIRRORED = (StopIteration, StopAsyncIteration)
_mirrors: dict[str, type] = {}


def remote_error(type_name: str, message: str, where: str = "") -> StudentCodeError:
    """Returns the exception to raise for ``type_name: message`` raised in the worker.

    A built-in exception class stays recognizable: a ``ValueError`` raised by
    student code is raised here as a subclass of both ``ValueError`` and
    ``StudentCodeError``, so ``pytest.raises(ValueError)`` works in both modes.
    """
    base = getattr(builtins, type_name, None)
    if isinstance(base, type) and issubclass(base, Exception) and not issubclass(base, _NOT_MIRRORED):
        cls = _mirrors.get(type_name)
        if cls is None:
            try:
                cls = type(type_name, (StudentCodeError, base), {"__module__": "builtins"})
            except TypeError:
                cls = StudentCodeError
            _mirrors[type_name] = cls
        try:
            return cls(message, type_name, where)
        except TypeError:
            pass
    return StudentCodeError(message, type_name, where)
