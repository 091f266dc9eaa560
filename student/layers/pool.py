"""2-D max pooling and average pooling in numpy, with their backward passes.

numpy API: ``maxpool2d_forward(x, kernel_size, stride) -> (out, cache)`` and
``maxpool2d_backward(dout, cache) -> dx``; the same for ``avgpool2d``. Images are
``(N, C, H, W)``, windows ``k x k`` with ``k = kernel_size``. No padding; the
output size is rounded down, ``H_out = (H - k) // stride + 1``; the stride
defaults to the kernel size. Windows overlap when the stride is smaller than
the kernel: then the gradients that several windows send to one input add up.
Both equal their ``torch.nn.functional`` namesakes, backward passes included.

Vectorized with ``np.lib.stride_tricks.sliding_window_view``: a view of every
window, ``(N, C, H_out, W_out, k, k)``, without copying the input.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def maxpool2d_forward(x: np.ndarray, kernel_size: int = 2, stride: int | None = None) -> tuple[np.ndarray, tuple]:
    """Returns the maximum of every window of x, shape (N, C, H_out, W_out), and a cache.

    x: (N, C, H, W); windows are k x k with k = kernel_size; stride None means
    stride = kernel_size. Ties: the first maximum of a window in row-major
    order is the one that receives the gradient in the backward pass, as in
    torch. Raises ValueError when the kernel is larger than the input. x may hold
    integers (uint8 pixels, say; out then has x's dtype) and be non-contiguous.
    """
    # TODO: view every window with sliding_window_view, keep the stride-th ones
    raise NotImplementedError("maxpool2d_forward in student/layers/pool.py is not implemented yet")


def maxpool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx, shape (N, C, H, W): each dout value goes to the (first) maximum of its window.

    dout: (N, C, H_out, W_out), floating. Inputs that are the maximum of several
    overlapping windows receive the sum of those windows' gradients; all other
    inputs get 0. dx is floating whatever x's dtype was (integers included).
    """
    # TODO: loop over the k x k offsets of a window and add dout where that offset held the maximum
    raise NotImplementedError("maxpool2d_backward in student/layers/pool.py is not implemented yet")


def avgpool2d_forward(x: np.ndarray, kernel_size: int = 2, stride: int | None = None) -> tuple[np.ndarray, tuple]:
    """Returns the mean of every window of x, shape (N, C, H_out, W_out), and a cache.

    x: (N, C, H, W); windows are k x k with k = kernel_size; stride None means
    stride = kernel_size. Raises ValueError when the kernel is larger than the input.
    x may hold integers (out is floating) and be non-contiguous.
    """
    raise NotImplementedError("avgpool2d_forward in student/layers/pool.py is not implemented yet")


def avgpool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx, shape (N, C, H, W): each dout value spread evenly, dout / (k * k), over its window.

    dout: (N, C, H_out, W_out), floating, k = kernel_size. Where windows overlap, their shares add up.
    dx is floating whatever x's dtype was (integers included).
    """
    raise NotImplementedError("avgpool2d_backward in student/layers/pool.py is not implemented yet")
