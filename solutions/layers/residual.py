"""Residual connections (torch): ``x + f(x)`` around a module, and a two-layer residual block."""
from __future__ import annotations

import torch
from torch import nn

from layers.activations import ACTIVATIONS
from layers.normalization import BatchNorm


class Residual(nn.Module):
    """A skip connection around module ``f``, whose output must have its input's shape."""

    def __init__(self, f: nn.Module):
        super().__init__()
        self.f = f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns x + f(x), a new tensor shaped like x: neither x nor the tensor f returned is modified (f may
        return x itself, as nn.Identity does)."""
        # BEGIN SOLUTION
        return x + self.f(x)
        # END SOLUTION


class ResidualBlock(nn.Module):
    """x + Linear(hidden_dim -> dim)(act(Linear(dim -> hidden_dim)(pre(x)))) for x of shape (N, dim).

    ``pre`` is ``BatchNorm(dim)`` when ``norm`` else the activation; ``act`` is
    ``ACTIVATIONS[activation]()`` (ValueError for an unknown name). Parameters:
    the two nn.Linear layers (with bias) and, when ``norm``, the BatchNorm's
    weight and bias.
    """

    def __init__(self, dim: int, hidden_dim: int, activation: str = "relu", norm: bool = False):
        super().__init__()
        # BEGIN SOLUTION
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}")
        self.pre = BatchNorm(dim) if norm else ACTIVATIONS[activation]()
        self.fc1 = nn.Linear(dim, hidden_dim)
        self.act = ACTIVATIONS[activation]()
        self.fc2 = nn.Linear(hidden_dim, dim)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns x + Linear(hidden_dim -> dim)(act(Linear(dim -> hidden_dim)(pre(x)))), shaped like x (N, dim)."""
        # BEGIN SOLUTION
        return x + self.fc2(self.act(self.fc1(self.pre(x))))
        # END SOLUTION
