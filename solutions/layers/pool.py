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
    # BEGIN SOLUTION view every window with sliding_window_view, keep the stride-th ones
    k = kernel_size
    s = k if stride is None else stride
    N, C, H, W = x.shape
    if k > H or k > W:
        raise ValueError(f"a {k}x{k} pooling window does not fit a {H}x{W} input")
    windows = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s]
    flat = windows.reshape(*windows.shape[:4], k * k)
    first_max = flat.argmax(axis=-1)  # argmax returns the first maximum
    out = np.take_along_axis(flat, first_max[..., None], axis=-1)[..., 0]
    return out, (x.shape, k, s, first_max)
    # END SOLUTION


def maxpool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx, shape (N, C, H, W): each dout value goes to the (first) maximum of its window.

    dout: (N, C, H_out, W_out), floating. Inputs that are the maximum of several
    overlapping windows receive the sum of those windows' gradients; all other
    inputs get 0. dx is floating whatever x's dtype was (integers included).
    """
    # BEGIN SOLUTION loop over the k x k offsets of a window and add dout where that offset held the maximum
    x_shape, k, s, first_max = cache
    H_out, W_out = dout.shape[2:]
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += np.where(first_max == i * k + j, dout, 0)
    return dx
    # END SOLUTION


def avgpool2d_forward(x: np.ndarray, kernel_size: int = 2, stride: int | None = None) -> tuple[np.ndarray, tuple]:
    """Returns the mean of every window of x, shape (N, C, H_out, W_out), and a cache.

    x: (N, C, H, W); windows are k x k with k = kernel_size; stride None means
    stride = kernel_size. Raises ValueError when the kernel is larger than the input.
    x may hold integers (out is floating) and be non-contiguous.
    """
    # BEGIN SOLUTION
    k = kernel_size
    s = k if stride is None else stride
    N, C, H, W = x.shape
    if k > H or k > W:
        raise ValueError(f"a {k}x{k} pooling window does not fit a {H}x{W} input")
    out = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s].mean(axis=(4, 5))
    return out, (x.shape, k, s)
    # END SOLUTION


def avgpool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx, shape (N, C, H, W): each dout value spread evenly, dout / (k * k), over its window.

    dout: (N, C, H_out, W_out), floating, k = kernel_size. Where windows overlap, their shares add up.
    dx is floating whatever x's dtype was (integers included).
    """
    # BEGIN SOLUTION
    x_shape, k, s = cache
    H_out, W_out = dout.shape[2:]
    share = dout / (k * k)
    dx = np.zeros(x_shape, dtype=share.dtype)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += share
    return dx
    # END SOLUTION
