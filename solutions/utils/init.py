"""Weight initializers: numpy arrays for the from-scratch models, and in-place re-initialization of torch modules.

The numpy initializers take ``rng``: a ``numpy.random.Generator`` (which they
draw from, advancing it), an int seed (a new Generator seeded with it), or None
(fresh randomness). Weight matrices are ``(fan_in, fan_out)``, as the course's
linear layers ``x @ W`` expect.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

SCHEMES = ("zeros", "normal", "xavier", "he")
NORMAL_STD = 0.01


def zeros(shape: int | tuple[int, ...]) -> np.ndarray:
    """Returns a float64 array of zeros of ``shape``."""
    # BEGIN SOLUTION
    return np.zeros(shape, dtype=np.float64)
    # END SOLUTION


def normal(shape: int | tuple[int, ...], std: float = NORMAL_STD,
           rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Returns a float64 array of ``shape`` drawn from N(0, std^2)."""
    # BEGIN SOLUTION np.random.default_rng(rng) accepts a Generator, a seed or None
    return std * np.random.default_rng(rng).standard_normal(shape)
    # END SOLUTION


def xavier_normal(fan_in: int, fan_out: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Returns a float64 ``(fan_in, fan_out)`` array drawn from N(0, 1 / fan_in).

    Xavier (LeCun) scaling, std ``sqrt(1 / fan_in)``: keeps the variance of
    the activations constant through linear layers with tanh-like activations.
    """
    # BEGIN SOLUTION
    return normal((fan_in, fan_out), np.sqrt(1.0 / fan_in), rng)
    # END SOLUTION


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Returns a float64 ``(fan_in, fan_out)`` array drawn from N(0, 2 / fan_in).

    He (Kaiming) scaling, std ``sqrt(2 / fan_in)``: makes up for ReLU zeroing half of its inputs.
    """
    # BEGIN SOLUTION
    return normal((fan_in, fan_out), np.sqrt(2.0 / fan_in), rng)
    # END SOLUTION


def init_module_(module: nn.Module, scheme: str, seed: int | None = None) -> nn.Module:
    """Returns ``module`` after re-initializing, in place, every Linear, Conv1d and Conv2d in it (any module that
    is an instance of nn.Linear, nn.Conv1d or nn.Conv2d, subclasses included).

    Each weight is filled according to ``scheme``: ``"zeros"``, ``"normal"``
    (std 0.01), ``"xavier"`` (std ``sqrt(1 / fan_in)``) or ``"he"`` (std
    ``sqrt(2 / fan_in)``), where fan_in is ``in_features`` for Linear and
    ``in_channels / groups`` times the kernel size for convolutions. Every bias of
    those layers becomes zero; other modules are left alone. The parameters stay
    the same tensors (an optimizer built before still sees them). With ``seed``
    (0 included) every draw comes from one private ``torch.Generator`` seeded once
    with it, so two layers of the same shape get different weights and the global
    RNG is untouched; with None they come from the global RNG.
    Raises ValueError for an unknown scheme.
    """
    # BEGIN SOLUTION
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in module.modules():
            if not isinstance(layer, (nn.Linear, nn.Conv1d, nn.Conv2d)):
                continue
            fan_in = layer.weight[0].numel()
            if scheme == "zeros":
                layer.weight.zero_()
            else:
                std = {"normal": NORMAL_STD, "xavier": (1.0 / fan_in) ** 0.5, "he": (2.0 / fan_in) ** 0.5}[scheme]
                layer.weight.normal_(0.0, std, generator=generator)
            if layer.bias is not None:
                layer.bias.zero_()
    return module
    # END SOLUTION
