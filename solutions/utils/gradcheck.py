"""Gradient checking: centered-difference gradients and the course's relative error."""
from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], np.ndarray | float], x: np.ndarray,
                       df: np.ndarray | None = None, h: float = 1e-5) -> np.ndarray:
    """Returns the centered-difference gradient of f at x, a float array shaped like ``x``.

    f: a function of the array ``x``. Without ``df``, f returns a scalar and the
    result is df/dx; with ``df`` (shaped like f(x)), the result is the gradient of
    sum(df * f(x)), i.e. the backward pass of f for upstream gradient ``df``.
    Each entry is (g(x + h e_i) - g(x - h e_i)) / (2h). ``x`` is perturbed in place,
    in its own memory, one entry at a time and every entry is put back, so x is
    unchanged afterwards. x may be any writable float array, a non-contiguous
    one included (a transposed or sliced view), and f may ignore its argument
    and read x through a closure, as in CS231n's ``lambda _: net.loss(X, y)``.
    f's output is copied, so an f that returns a view of x is handled.
    """
    # BEGIN SOLUTION perturb one entry at a time by +h and -h, and put it back
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = np.array(f(x), dtype=np.float64)
        x[i] = old - h
        minus = np.array(f(x), dtype=np.float64)
        x[i] = old
        diff = plus - minus if df is None else df * (plus - minus)
        grad[i] = np.sum(diff) / (2.0 * h)
    return grad
    # END SOLUTION


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Returns max |a - b| / max(1e-8, |a| + |b|), elementwise, as a float.

    a, b: arrays of the same shape. The 1e-8 floor makes two zero arrays
    0.0 apart rather than 0 / 0.
    """
    # BEGIN SOLUTION
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
    # END SOLUTION
