"""The fully connected (affine) layer: ``out = x.reshape(N, D) @ w + b``."""
from __future__ import annotations

import numpy as np


def linear_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns (out, cache) with out = x.reshape(N, D) @ w + b, of shape (N, M).

    x: input of shape (N, d1, ..., dk), flattened to (N, D) with D = d1 * ... * dk;
    w: weights of shape (D, M); b: bias of shape (M,).
    """
    # TODO: flatten x to (N, D) first
    raise NotImplementedError("linear_forward in student/layers/linear.py is not implemented yet")


def linear_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns (dx, dw, db), the gradients of the loss with respect to x, w and b.

    dout: upstream gradient of shape (N, M); cache: from ``linear_forward``.
    dx has the shape of x, (N, d1, ..., dk); dw is (D, M); db is (M,), summed
    over the batch.
    """
    raise NotImplementedError("linear_backward in student/layers/linear.py is not implemented yet")
