"""Checks: validate what a probe returned, then compare it, with messages students can act on.

Every helper raises ``CheckFailed`` (an ``AssertionError``) with a message that
names the quantity (``what``) and says what was wrong, and a ``summary`` that
says only what failed: no value derived from the student's result or the
expected one, which is what hidden tests show. ``reveal=False`` (hidden tests)
also keeps expected values and inputs out of the message.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


class CheckFailed(AssertionError):
    """A check failed: ``str()`` is the whole message, ``summary`` what failed without any value."""

    __module__ = "builtins"  # tracebacks name it ``CheckFailed``, not by the kit's module path

    def __init__(self, message: str, summary: str, hint: str = ""):
        super().__init__(message + (f"\n  hint: {hint}" if hint else ""))
        self.summary = summary + (f"\n  hint: {hint}" if hint else "")


def array(value: Any, what: str, shape: Sequence[int] | None = None, finite: bool = True,
          kind: str = "f") -> np.ndarray:
    """Returns ``value`` as an array after checking its type, dtype kind, shape and finiteness.

    ``kind`` lists the accepted numpy dtype kinds: ``"f"`` floats, ``"iu"``
    integers, ``"b"`` booleans, ``"fiu"`` any real number.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = np.asarray(value)
    if not isinstance(value, np.ndarray):
        raise CheckFailed(f"{what} should be a numpy array, got {type(value).__name__}", f"{what} is not an array")
    if value.dtype.kind not in kind:
        names = {"f": "floating point", "i": "integer", "u": "unsigned integer", "b": "boolean"}
        expected = " or ".join(names[k] for k in kind)
        raise CheckFailed(f"{what} has dtype {value.dtype}; expected {expected}",
                          f"{what} has the wrong dtype; expected {expected}")
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise CheckFailed(f"{what} has shape {tuple(value.shape)}; expected {tuple(shape)}", f"{what} has the wrong shape")
    if finite and value.dtype.kind == "f" and not np.all(np.isfinite(value)):
        bad = int(np.sum(~np.isfinite(value)))
        raise CheckFailed(f"{what} contains {bad} NaN or inf value(s); the computation is not numerically stable",
                          f"{what} contains NaN or inf values; the computation is not numerically stable")
    return value


def number(value: Any, what: str, finite: bool = True) -> float:
    """Returns ``value`` as a float after checking that it is one real number."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CheckFailed(f"{what} should be a single number, got {type(value).__name__}", f"{what} is not a number")
    if finite and not np.isfinite(value):
        raise CheckFailed(f"{what} is {value}; the computation is not numerically stable",
                          f"{what} is not finite; the computation is not numerically stable")
    return float(value)


def close(actual: Any, expected: Any, what: str, tol: float = 1e-8, hint: str = "",
          reveal: bool = True, atol: float = 1e-12) -> None:
    """Checks that every entry of ``actual`` is within the course's relative error ``tol`` of ``expected``:
    ``|a - e| < tol * max(1e-8, |a| + |e|)``, after validating ``actual``'s shape.

    Entries that differ by at most ``atol`` count as equal: a derivative such
    as 1 - tanh(x)^2 that cancels to 1e-12 has no meaningful relative error.
    """
    expected = np.asarray(expected, dtype=np.float64)
    actual = array(actual, what, shape=expected.shape, kind="fiu")
    gap = np.abs(actual.astype(np.float64) - expected)
    bad = (gap > atol) & ~(gap < tol * np.maximum(1e-8, np.abs(actual) + np.abs(expected)))
    if np.any(bad):
        msg = (f"{what} is wrong at {int(bad.sum())} of {bad.size} entries "
               f"(relative error tolerance {tol:.0e}; largest difference {gap.max():.2e})")
        if reveal:
            msg += f"\n  got:      {_short(actual)}\n  expected: {_short(expected)}"
        raise CheckFailed(msg, f"{what} is wrong", hint)


def allclose(actual: Any, expected: Any, what: str, rtol: float = 1e-5, atol: float = 1e-5,
             hint: str = "", reveal: bool = True) -> None:
    """Checks ``|actual - expected| <= atol + rtol |expected|`` elementwise (float32 comparisons)."""
    expected = np.asarray(expected, dtype=np.float64)
    actual = array(actual, what, shape=expected.shape, kind="fiu")
    diff = np.abs(actual.astype(np.float64) - expected)
    bad = diff > atol + rtol * np.abs(expected)
    if np.any(bad):
        msg = f"{what} is wrong at {int(bad.sum())} of {bad.size} entries (max abs difference {diff.max():.2e})"
        if reveal:
            msg += f"\n  got:      {_short(actual)}\n  expected: {_short(expected)}"
        raise CheckFailed(msg, f"{what} is wrong", hint)


def unchanged(before: Any, after: Any, what: str, tensor: bool = False) -> None:
    """Checks that an input array (a torch tensor when ``tensor``) was not modified in place."""
    if not np.array_equal(np.asarray(before), np.asarray(after)):
        fix = ("write a new tensor (t = t.clone(), or out-of-place operations such as p = p - lr * g)" if tensor
               else "work on a copy (x = x.copy(), or out = f(x) instead of x += ...)")
        message = f"{what} was modified in place; {fix}"
        raise CheckFailed(message, message)


def _short(a: np.ndarray) -> str:
    return np.array2string(np.asarray(a), precision=5, threshold=12, edgeitems=2).replace("\n", " ")
