"""Activation functions: numpy forward/backward pairs and torch modules.

numpy API: ``<name>_forward(x) -> (out, cache)`` and
``<name>_backward(dout, cache) -> dx``, with ``dx`` shaped like ``x``.
The torch modules compute the same functions with tensor arithmetic only
(no ``torch.sigmoid``, ``torch.tanh``, ``torch.relu`` or ``torch.nn.functional``);
autograd gives their backward pass.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn


def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns sigmoid(x) = 1 / (1 + exp(-x)) elementwise, and a cache.

    x: array of any shape. Stable for |x| up to 1e4: never evaluates exp of a
    large positive number.
    """
    # BEGIN SOLUTION use exp(-|x|) so that exp never overflows
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, (out,)
    # END SOLUTION


def sigmoid_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout * s * (1 - s), where s = sigmoid(x) from the cache."""
    # BEGIN SOLUTION
    (s,) = cache
    return dout * s * (1.0 - s)
    # END SOLUTION


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns max(x, 0) elementwise, and a cache. x: array of any shape."""
    # BEGIN SOLUTION
    return np.maximum(x, 0.0), (x,)
    # END SOLUTION


def relu_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout where x > 0, else 0 (the derivative at 0 is 0)."""
    # BEGIN SOLUTION
    (x,) = cache
    return np.where(x > 0, dout, 0.0)
    # END SOLUTION


def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns tanh(x) elementwise, and a cache. x: array of any shape."""
    # BEGIN SOLUTION
    out = np.tanh(x)
    return out, (out,)
    # END SOLUTION


def tanh_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout * (1 - tanh(x)^2)."""
    # BEGIN SOLUTION
    (t,) = cache
    return dout * (1.0 - t * t)
    # END SOLUTION


def leaky_relu_forward(x: np.ndarray, slope: float = 0.1) -> tuple[np.ndarray, tuple]:
    """Returns max(x, slope * x) elementwise, and a cache. x: array of any shape; 0 <= slope < 1."""
    # BEGIN SOLUTION
    return np.where(x > 0, x, slope * x), (x, slope)
    # END SOLUTION


def leaky_relu_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout where x > 0, else slope * dout (the derivative at 0 is the slope)."""
    # BEGIN SOLUTION
    x, slope = cache
    return np.where(x > 0, dout, slope * dout)
    # END SOLUTION


def silu_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns silu(x) = x * sigmoid(x) elementwise, and a cache. Stable for |x| up to 1e4."""
    # BEGIN SOLUTION
    s, _ = sigmoid_forward(x)
    return x * s, (x, s)
    # END SOLUTION


def silu_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout * (s + x * s * (1 - s)), where s = sigmoid(x)."""
    # BEGIN SOLUTION
    x, s = cache
    return dout * (s + x * s * (1.0 - s))
    # END SOLUTION


def gaussian_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns exp(-x^2) elementwise, and a cache. x: array of any shape."""
    # BEGIN SOLUTION
    out = np.exp(-x * x)
    return out, (x, out)
    # END SOLUTION


def gaussian_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout * (-2 x exp(-x^2))."""
    # BEGIN SOLUTION
    x, out = cache
    return dout * (-2.0 * x * out)
    # END SOLUTION


class Sigmoid(nn.Module):
    """Sigmoid 1 / (1 + exp(-x)), stable for float32 inputs up to |x| = 1e3.

    exp is only taken of -|x|, written as a selection between -x and x (not
    ``abs``, whose gradient at 0 is 0), so autograd gives sigmoid'(0) = 1/4.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION use exp(-|x|) so that exp never overflows
        positive = x >= 0
        e = torch.exp(torch.where(positive, -x, x))
        return torch.where(positive, 1.0 / (1.0 + e), e / (1.0 + e))
        # END SOLUTION


class Tanh(nn.Module):
    """Hyperbolic tangent, (1 - exp(-2|x|)) / (1 + exp(-2|x|)) with the sign of x.

    Stable for float32 inputs up to |x| = 1e3; as in Sigmoid, -|x| is a selection
    between -x and x, so that autograd gives tanh'(0) = 1.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION exp(2x) overflows: use exp(-2|x|) and the sign of x
        positive = x >= 0
        e = torch.exp(2.0 * torch.where(positive, -x, x))
        t = (1.0 - e) / (1.0 + e)
        return torch.where(positive, t, -t)
        # END SOLUTION


class ReLU(nn.Module):
    """max(x, 0)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION
        return torch.where(x > 0, x, torch.zeros_like(x))
        # END SOLUTION


class LeakyReLU(nn.Module):
    """max(x, slope * x) with ``slope`` 0.1 by default."""

    def __init__(self, slope: float = 0.1):
        super().__init__()
        self.slope = slope

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION
        return torch.where(x > 0, x, self.slope * x)
        # END SOLUTION


class SiLU(nn.Module):
    """x * sigmoid(x)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION
        return x * Sigmoid()(x)
        # END SOLUTION


class Gaussian(nn.Module):
    """exp(-x^2)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION
        return torch.exp(-x * x)
        # END SOLUTION


ACTIVATIONS: dict[str, type[nn.Module]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "silu": SiLU,
    "gaussian": Gaussian,
}
