"""What a student reads about a failed test: what went wrong, in words they can act on.

Hidden tests (``details`` False) keep inputs and expected values out.
"""
from __future__ import annotations

import builtins
import os
import re
from pathlib import Path

from grader.contract import is_stub_message
from grader.sandbox import BadReply, BudgetExhausted, CallTimeout, StudentCodeError, WorkerDied
from grader.testkit.checks import CheckFailed
from grader.testkit.plain import PlainDataError

SHORT_MESSAGE_CHARS = 300
BUILTIN_ERRORS = frozenset(name for name, obj in vars(builtins).items()
                           if isinstance(obj, type) and issubclass(obj, BaseException))
_FRAME = re.compile(r"^\s*File (?P<file>student/[\w/.-]{1,200}\.py), line (?P<line>\d{1,7})(, in (?P<name>[\w<>]{1,100}))?$")


class Blocked(Exception):
    """A test that is not run: its file is missing or breaks the policy. The message says why."""


def short(text: str, limit: int = SHORT_MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + " [...]"


def _assertion_text(exc: BaseException, details: bool) -> str:
    """Returns an assertion's message; without details, pytest's rewritten ``assert a == b`` is dropped."""
    text = str(exc)
    if details:
        return text or "an assertion failed"
    head = text.split("\nassert ", 1)[0]
    return "a check of this test failed" if not head or head.startswith("assert ") else head


def failure_message(exc: BaseException, details: bool, impl_root: Path | None = None) -> str:
    """Returns what a student reads about a failed test: what went wrong, in words they can act on.

    ``details`` False (hidden tests) keeps inputs, expected values and every
    text that student code controls out: an exception of student code is named
    by its built-in class and the student file and line only.
    """
    if isinstance(exc, Blocked):
        return str(exc)
    if isinstance(exc, StudentCodeError):
        if isinstance(exc, (CallTimeout, WorkerDied, BudgetExhausted, BadReply)):
            where = exc.where if details else location(exc.where)
            return exc.message + (f"\n{where}" if where else "")
        if not details:
            kind = exc.type_name if exc.type_name in BUILTIN_ERRORS else "an exception of a class your code defines"
            where = location(exc.where)
            return f"Your code raised {kind}" + (f" at {where}" if where else "")
        if exc.type_name == "NotImplementedError" and is_stub_message(exc.message):
            return f"NotImplementedError: {exc.message}"
        return f"Your code raised {exc.type_name}: {exc.message}" + (f"\n{exc.where}" if exc.where else "")
    if isinstance(exc, CheckFailed) and not details:
        return exc.summary
    if isinstance(exc, AssertionError):
        return _assertion_text(exc, details)
    if isinstance(exc, PlainDataError):
        return "Your code returned something that is not numbers or arrays" + (f": {exc}" if details else "")
    if isinstance(exc, NotImplementedError) and is_stub_message(str(exc)):
        return f"NotImplementedError: {exc}" if details else "NotImplementedError: not implemented yet"
    name = type(exc).__name__
    text = f"{name}: {exc}" if details else name
    if impl_root is not None and _raised_in(exc, impl_root):
        return f"Your code raised {text}"
    return f"The test could not check your result ({text})"


def location(where: str) -> str:
    """Returns the student frames of a worker's traceback as ``student/x.py:12 (in f)``, innermost first; any other
    text (source lines, or anything a worker made up) is dropped."""
    frames = [f"{m['file']}:{m['line']}" + (f" (in {m['name']})" if m["name"] else "")
              for m in map(_FRAME.match, where.splitlines()) if m]
    return " <- ".join(reversed(frames[-3:]))


def _raised_in(exc: BaseException, root: Path) -> bool:
    tb, prefix = exc.__traceback__, str(root) + os.sep
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(prefix):
            return True
        tb = tb.tb_next
    return False
