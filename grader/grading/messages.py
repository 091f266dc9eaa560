"""What a student reads about a failed test: what went wrong, in words they can act on.

Hidden tests (``details`` False) keep inputs and expected values out.
"""
from __future__ import annotations

import os
from pathlib import Path

from grader.contract import is_stub_message
from grader.sandbox import BadReply, BudgetExhausted, CallTimeout, StudentCodeError, WorkerDied
from grader.testkit.plain import PlainDataError

SHORT_MESSAGE_CHARS = 300


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

    ``details`` False (hidden tests) keeps inputs and expected values out.
    """
    if isinstance(exc, Blocked):
        return str(exc)
    if isinstance(exc, StudentCodeError):
        if exc.type_name == "NotImplementedError" and is_stub_message(exc.message):
            return f"NotImplementedError: {exc.message}"
        if isinstance(exc, (CallTimeout, WorkerDied, BudgetExhausted, BadReply)):
            return exc.message + (f"\n{exc.where}" if exc.where else "")
        message = exc.message if details else short(exc.message)
        return f"Your code raised {exc.type_name}: {message}" + (f"\n{exc.where}" if exc.where else "")
    if isinstance(exc, AssertionError):
        return _assertion_text(exc, details)
    if isinstance(exc, PlainDataError):
        return f"Your code returned something that is not numbers or arrays: {exc}"
    if isinstance(exc, NotImplementedError) and is_stub_message(str(exc)):
        return f"NotImplementedError: {exc}"
    name = type(exc).__name__
    message = str(exc) if details else short(str(exc))
    if impl_root is not None and _raised_in(exc, impl_root):
        return f"Your code raised {name}: {message}"
    return f"The test could not check your result ({name}: {message})"


def _raised_in(exc: BaseException, root: Path) -> bool:
    tb, prefix = exc.__traceback__, str(root) + os.sep
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(prefix):
            return True
        tb = tb.tb_next
    return False
