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
    # TODO: use exp(-|x|) so that exp never overflows
    raise NotImplementedError("sigmoid_forward in student/layers/activations.py is not implemented yet")


def sigmoid_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout * s * (1 - s), where s = sigmoid(x) from the cache."""
    raise NotImplementedError("sigmoid_backward in student/layers/activations.py is not implemented yet")


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns max(x, 0) elementwise, and a cache. x: array of any shape."""
    raise NotImplementedError("relu_forward in student/layers/activations.py is not implemented yet")


def relu_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout where x > 0, else 0 (the derivative at 0 is 0)."""
    raise NotImplementedError("relu_backward in student/layers/activations.py is not implemented yet")


def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns tanh(x) elementwise, and a cache. x: array of any shape."""
    raise NotImplementedError("tanh_forward in student/layers/activations.py is not implemented yet")


def tanh_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout * (1 - tanh(x)^2)."""
    raise NotImplementedError("tanh_backward in student/layers/activations.py is not implemented yet")


def leaky_relu_forward(x: np.ndarray, slope: float = 0.1) -> tuple[np.ndarray, tuple]:
    """Returns max(x, slope * x) elementwise, and a cache. x: array of any shape; 0 <= slope < 1."""
    raise NotImplementedError("leaky_relu_forward in student/layers/activations.py is not implemented yet")


def leaky_relu_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout where x > 0, else slope * dout (the derivative at 0 is the slope)."""
    raise NotImplementedError("leaky_relu_backward in student/layers/activations.py is not implemented yet")


def silu_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns silu(x) = x * sigmoid(x) elementwise, and a cache. Stable for |x| up to 1e4."""
    raise NotImplementedError("silu_forward in student/layers/activations.py is not implemented yet")


def silu_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout * (s + x * s * (1 - s)), where s = sigmoid(x)."""
    raise NotImplementedError("silu_backward in student/layers/activations.py is not implemented yet")


def gaussian_forward(x: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Returns exp(-x^2) elementwise, and a cache. x: array of any shape."""
    raise NotImplementedError("gaussian_forward in student/layers/activations.py is not implemented yet")


def gaussian_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout * (-2 x exp(-x^2))."""
    raise NotImplementedError("gaussian_backward in student/layers/activations.py is not implemented yet")


class Sigmoid(nn.Module):
    """Sigmoid 1 / (1 + exp(-x)), stable for float32 inputs up to |x| = 1e3.

    exp is only taken of -|x|, written as a selection between -x and x (not
    ``abs``, whose gradient at 0 is 0), so autograd gives sigmoid'(0) = 1/4.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: use exp(-|x|) so that exp never overflows
        raise NotImplementedError("forward in student/layers/activations.py is not implemented yet")


class Tanh(nn.Module):
    """Hyperbolic tangent, (1 - exp(-2|x|)) / (1 + exp(-2|x|)) with the sign of x.

    Stable for float32 inputs up to |x| = 1e3; as in Sigmoid, -|x| is a selection
    between -x and x, so that autograd gives tanh'(0) = 1.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: exp(2x) overflows: use exp(-2|x|) and the sign of x
        raise NotImplementedError("forward in student/layers/activations.py is not implemented yet")


class ReLU(nn.Module):
    """max(x, 0)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("forward in student/layers/activations.py is not implemented yet")


class LeakyReLU(nn.Module):
    """max(x, slope * x) with ``slope`` 0.1 by default."""

    def __init__(self, slope: float = 0.1):
        super().__init__()
        self.slope = slope

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("forward in student/layers/activations.py is not implemented yet")


class SiLU(nn.Module):
    """x * sigmoid(x)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("forward in student/layers/activations.py is not implemented yet")


class Gaussian(nn.Module):
    """exp(-x^2)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("forward in student/layers/activations.py is not implemented yet")


ACTIVATIONS: dict[str, type[nn.Module]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "silu": SiLU,
    "gaussian": Gaussian,
}
