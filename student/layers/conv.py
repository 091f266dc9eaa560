"""2-D convolution (cross-correlation) in numpy, with its backward pass.

numpy API: ``conv2d_forward(x, w, b, stride, pad) -> (out, cache)`` and
``conv2d_backward(dout, cache) -> (dx, dw, db)``. Images are ``(N, C, H, W)``,
weights ``(F, C, HH, WW)``, biases ``(F,)``. Padding is zero padding of ``pad``
pixels on every side. The output equals ``torch.nn.functional.conv2d(x, w, b,
stride, pad)``: no kernel flip.

Vectorized with im2col: every window of the padded input becomes one column
of a matrix ``(C * HH * WW, N * H_out * W_out)``, so the convolution is a
single matrix product. ``np.lib.stride_tricks.sliding_window_view`` gathers the
windows; the backward pass loops over the ``HH x WW`` kernel offsets only, never
over images or output positions.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_output_shape(H: int, W: int, kernel_size: int | tuple[int, int], stride: int = 1,
                        pad: int = 0) -> tuple[int, int]:
    """Returns (H_out, W_out) of a convolution: H_out = (H + 2 * pad - HH) // stride + 1, same for W.

    kernel_size: an int (square kernel) or an (HH, WW) pair. Raises ValueError
    when an output side is not positive (the kernel does not fit in the padded
    input), when stride < 1 or when pad < 0.
    """
    raise NotImplementedError("conv2d_output_shape in student/layers/conv.py is not implemented yet")


def conv2d_param_count(in_channels: int, out_channels: int, kernel_size: int | tuple[int, int],
                       bias: bool = True) -> int:
    """Returns the number of parameters of a conv layer: F * C * HH * WW weights, plus F biases if ``bias``.

    C = in_channels, F = out_channels; kernel_size is an int or an (HH, WW) pair.
    """
    raise NotImplementedError("conv2d_param_count in student/layers/conv.py is not implemented yet")


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1,
                   pad: int = 0) -> tuple[np.ndarray, tuple]:
    """Returns the cross-correlation of x with the filters w plus b, shape (N, F, H_out, W_out), and a cache.

    x: (N, C, H, W) images; w: (F, C, HH, WW) filters; b: (F,) biases.
    out[n, f, i, j] = b[f] + sum_{c, k, l} x_pad[n, c, i * stride + k, j * stride + l] * w[f, c, k, l],
    where x_pad is x with ``pad`` zeros on each of its four sides; H_out and W_out
    are given by ``conv2d_output_shape``. x is not modified; it may hold integers
    (uint8 pixels, say) and be non-contiguous. w and b are floating, and so is out.
    """
    # TODO: view the windows with sliding_window_view, copy them into an im2col matrix, then one matmul
    raise NotImplementedError("conv2d_forward in student/layers/conv.py is not implemented yet")


def conv2d_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns (dx, dw, db), the gradients of sum(dout * out) with respect to x, w and b.

    dout: (N, F, H_out, W_out). dx has the shape of x (the padding is cut off),
    dw the shape of w, db the shape (F,) (dout summed over N, H_out, W_out).
    Where windows overlap (stride < kernel) their contributions to dx add up.
    dout is floating, and so are the gradients, dx included even when x holds
    integers. Only reads the cache: a second call on it gives the same gradients.
    """
    # TODO: dw and db from the cached im2col matrix; dx: loop over the HH x WW offsets and add (+=)
    raise NotImplementedError("conv2d_backward in student/layers/conv.py is not implemented yet")
