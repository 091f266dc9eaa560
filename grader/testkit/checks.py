"""Checks: validate what a probe returned, then compare it, with messages students can act on.

Every helper raises ``AssertionError`` with a message that names the quantity
(``what``) and says what was wrong. ``reveal=False`` (hidden tests) keeps
expected values and inputs out of the message.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np


def rel_error(a: Any, b: Any) -> float:
    """Returns max |a - b| / max(1e-8, |a| + |b|), the course's relative error."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))) if a.size else 0.0


def array(value: Any, what: str, shape: Sequence[int] | None = None, finite: bool = True,
          kind: str = "f") -> np.ndarray:
    """Returns ``value`` as an array after checking its type, dtype kind, shape and finiteness.

    ``kind`` lists the accepted numpy dtype kinds: ``"f"`` floats, ``"iu"``
    integers, ``"b"`` booleans, ``"fiu"`` any real number.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = np.asarray(value)
    if not isinstance(value, np.ndarray):
        raise AssertionError(f"{what} should be a numpy array, got {type(value).__name__}")
    if value.dtype.kind not in kind:
        names = {"f": "floating point", "i": "integer", "u": "unsigned integer", "b": "boolean"}
        raise AssertionError(f"{what} has dtype {value.dtype}; expected {' or '.join(names[k] for k in kind)}")
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise AssertionError(f"{what} has shape {tuple(value.shape)}; expected {tuple(shape)}")
    if finite and value.dtype.kind == "f" and not np.all(np.isfinite(value)):
        bad = int(np.sum(~np.isfinite(value)))
        raise AssertionError(f"{what} contains {bad} NaN or inf value(s); the computation is not numerically stable")
    return value


def number(value: Any, what: str, finite: bool = True) -> float:
    """Returns ``value`` as a float after checking that it is one real number."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AssertionError(f"{what} should be a single number, got {type(value).__name__}")
    if finite and not np.isfinite(value):
        raise AssertionError(f"{what} is {value}; the computation is not numerically stable")
    return float(value)


def close(actual: Any, expected: Any, what: str, tol: float = 1e-8, hint: str = "",
          reveal: bool = True, atol: float = 1e-12) -> None:
    """Checks ``rel_error(actual, expected) < tol`` after validating ``actual``'s shape.

    Entries that differ by at most ``atol`` count as equal: a derivative such
    as 1 - tanh(x)^2 that cancels to 1e-12 has no meaningful relative error.
    """
    expected = np.asarray(expected, dtype=np.float64)
    actual = array(actual, what, shape=expected.shape, kind="fiu")
    a = actual.astype(np.float64)
    err = rel_error(np.where(np.abs(a - expected) <= atol, expected, a), expected)
    if not err < tol:
        msg = f"{what} is wrong: relative error {err:.2e} (tolerance {tol:.0e})"
        if reveal:
            msg += f"\n  got:      {_short(actual)}\n  expected: {_short(expected)}"
        raise AssertionError(msg + (f"\n  hint: {hint}" if hint else ""))


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
        raise AssertionError(msg + (f"\n  hint: {hint}" if hint else ""))


def unchanged(before: Any, after: Any, what: str) -> None:
    """Checks that an input array was not modified in place."""
    if not np.array_equal(np.asarray(before), np.asarray(after)):
        raise AssertionError(f"{what} was modified in place; work on a copy (e.g. x = x.copy() or out = f(x))")


def _short(a: np.ndarray) -> str:
    return np.array2string(np.asarray(a), precision=5, threshold=12, edgeitems=2).replace("\n", " ")
