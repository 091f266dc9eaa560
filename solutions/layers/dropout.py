"""Inverted dropout: a numpy forward/backward pair and a torch module.

``p`` is the probability of dropping an entry. Kept entries are scaled by
``1 / (1 - p)`` so that the expected output equals the input; in eval mode and
for ``p = 0`` dropout is the identity. ``ValueError`` unless ``0 <= p < 1``.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn


def check_probability(p: float) -> None:
    """Returns None; raises ValueError unless 0 <= p < 1 (p is the probability of dropping an entry)."""
    # BEGIN SOLUTION
    if not 0 <= p < 1:
        raise ValueError(f"dropout probability p must satisfy 0 <= p < 1, got {p}")
    # END SOLUTION


def dropout_forward(x: np.ndarray, p: float, training: bool = True,
                    seed: int | None = None) -> tuple[np.ndarray, tuple]:
    """Returns (out, cache): x with each entry zeroed with probability p, the rest scaled by 1 / (1 - p).

    x: array of any shape; out is shaped like x. The mask comes from a generator
    seeded with ``seed`` (``np.random.default_rng(seed)``): the same seed gives
    the same mask, None a fresh one; numpy's global random state is never used.
    In eval mode (training=False) and for p = 0, out is a copy of x (a new array,
    never x itself). ValueError unless 0 <= p < 1.
    """
    # BEGIN SOLUTION
    check_probability(p)
    if not training or p == 0:
        return x.copy(), (None,)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = keep / (1 - p)
    return x * mask, (mask,)
    # END SOLUTION


def dropout_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Returns dx = dout times the forward's scaled mask (a copy of dout where dropout was the identity).

    Only reads the cache: a second call on the same cache gives the same dx.
    """
    # BEGIN SOLUTION
    (mask,) = cache
    return dout.copy() if mask is None else dout * mask
    # END SOLUTION


class Dropout(nn.Module):
    """Inverted dropout with drop probability ``p``; the identity in eval mode and for p = 0.

    The mask comes from torch's global generator (``torch.manual_seed`` fixes
    it), a new one at every call in training mode. ValueError at construction
    unless 0 <= p < 1.
    """

    def __init__(self, p: float = 0.5):
        super().__init__()
        # BEGIN SOLUTION
        check_probability(p)
        self.p = p
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns x with entries zeroed with probability p and the rest scaled by 1 / (1 - p), in training mode."""
        # BEGIN SOLUTION draw the mask as torch.rand_like(x) >= p
        if not self.training or self.p == 0:
            return x
        keep = torch.rand_like(x) >= self.p
        return torch.where(keep, x / (1 - self.p), torch.zeros_like(x))
        # END SOLUTION
