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
    raise NotImplementedError("zeros in student/utils/init.py is not implemented yet")


def normal(shape: int | tuple[int, ...], std: float = NORMAL_STD,
           rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Returns a float64 array of ``shape`` drawn from N(0, std^2)."""
    # TODO: np.random.default_rng(rng) accepts a Generator, a seed or None
    raise NotImplementedError("normal in student/utils/init.py is not implemented yet")


def xavier_normal(fan_in: int, fan_out: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Returns a float64 ``(fan_in, fan_out)`` array drawn from N(0, 1 / fan_in).

    Xavier (LeCun) scaling, std ``sqrt(1 / fan_in)``: keeps the variance of
    the activations constant through linear layers with tanh-like activations.
    """
    raise NotImplementedError("xavier_normal in student/utils/init.py is not implemented yet")


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Returns a float64 ``(fan_in, fan_out)`` array drawn from N(0, 2 / fan_in).

    He (Kaiming) scaling, std ``sqrt(2 / fan_in)``: makes up for ReLU zeroing half of its inputs.
    """
    raise NotImplementedError("he_normal in student/utils/init.py is not implemented yet")


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
    raise NotImplementedError("init_module_ in student/utils/init.py is not implemented yet")
