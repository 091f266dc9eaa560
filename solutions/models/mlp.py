"""Multi-layer perceptrons in torch: a plain MLP and a residual MLP built from ResidualBlocks.

Both take ``x`` of shape ``(N, in_features)``, or ``(N, d1, ..., dk)`` with
``d1 * ... * dk = in_features`` (images are flattened first, in C order: ``flatten``
or ``reshape``, which accept a non-contiguous x such as a permuted tensor), and
return ``(N, out_features)``. Activations are named as in ``layers.activations.ACTIVATIONS``.
"""
from __future__ import annotations

import torch
from torch import nn

from layers.activations import ACTIVATIONS
from layers.dropout import Dropout
from layers.normalization import BatchNorm
from layers.residual import ResidualBlock


def make_activation(name: str) -> nn.Module:
    """Returns a new activation module ``ACTIVATIONS[name]()``; ValueError for an unknown name."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


class MLP(nn.Module):
    """A stack of ``depth`` linear layers; returns logits (or outputs) of shape (N, out_features).

    Layer sizes: in_features -> hidden_features -> ... -> hidden_features ->
    out_features (depth = 1 is a single Linear(in_features, out_features)).
    Between two linear layers, in this order: BatchNorm(hidden_features) when
    ``batchnorm``, the activation, Dropout(dropout) when ``dropout > 0``. So the
    last hidden layer is followed by the activation too, and the output layer by
    nothing but ``output_activation`` when it names one (None: raw outputs).
    ValueError for depth < 1.
    """

    def __init__(self, in_features: int, hidden_features: int, out_features: int, depth: int,
                 activation: str = "relu", batchnorm: bool = False, dropout: float = 0.0,
                 output_activation: str | None = None):
        super().__init__()
        # BEGIN SOLUTION
        if depth < 1:
            raise ValueError(f"depth counts the linear layers and must be at least 1, got {depth}")
        sizes = [in_features] + [hidden_features] * (depth - 1) + [out_features]
        layers: list[nn.Module] = []
        for i in range(depth):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < depth - 1:
                if batchnorm:
                    layers.append(BatchNorm(hidden_features))
                layers.append(make_activation(activation))
                if dropout > 0:
                    layers.append(Dropout(dropout))
        if output_activation is not None:
            layers.append(make_activation(output_activation))
        self.layers = nn.Sequential(*layers)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the network's output (N, out_features) for x (N, in_features) or (N, d1, ..., dk)."""
        # BEGIN SOLUTION
        return self.layers(x.flatten(1))
        # END SOLUTION


class ResidualMLP(nn.Module):
    """Linear in, ``num_blocks`` ResidualBlocks, linear out; returns (N, out_features).

    Layers: Linear(in_features, hidden_features); num_blocks times
    ResidualBlock(hidden_features, block_hidden, activation, norm); BatchNorm(hidden_features)
    when ``norm``; Linear(hidden_features, out_features). Nothing else: no
    activation outside the blocks, so with every block's branch at zero the
    network is linear_out(linear_in(x)).
    """

    def __init__(self, in_features: int, hidden_features: int, out_features: int, num_blocks: int,
                 block_hidden: int, activation: str = "relu", norm: bool = False):
        super().__init__()
        # BEGIN SOLUTION
        self.linear_in = nn.Linear(in_features, hidden_features)
        self.blocks = nn.Sequential(*[ResidualBlock(hidden_features, block_hidden, activation, norm)
                                      for _ in range(num_blocks)])
        self.norm = BatchNorm(hidden_features) if norm else None
        self.linear_out = nn.Linear(hidden_features, out_features)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the network's output (N, out_features) for x (N, in_features) or (N, d1, ..., dk)."""
        # BEGIN SOLUTION
        h = self.blocks(self.linear_in(x.flatten(1)))
        if self.norm is not None:
            h = self.norm(h)
        return self.linear_out(h)
        # END SOLUTION
