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
        raise NotImplementedError("__init__ in student/models/mlp.py is not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the network's output (N, out_features) for x (N, in_features) or (N, d1, ..., dk)."""
        raise NotImplementedError("forward in student/models/mlp.py is not implemented yet")


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
        raise NotImplementedError("__init__ in student/models/mlp.py is not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the network's output (N, out_features) for x (N, in_features) or (N, d1, ..., dk)."""
        raise NotImplementedError("forward in student/models/mlp.py is not implemented yet")
