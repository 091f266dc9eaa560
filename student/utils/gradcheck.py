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
    # TODO: perturb one entry at a time by +h and -h, and put it back
    raise NotImplementedError("numerical_gradient in student/utils/gradcheck.py is not implemented yet")


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Returns max |a - b| / max(1e-8, |a| + |b|), elementwise, as a float.

    a, b: arrays of the same shape. The 1e-8 floor makes two zero arrays
    0.0 apart rather than 0 / 0.
    """
    raise NotImplementedError("rel_error in student/utils/gradcheck.py is not implemented yet")
