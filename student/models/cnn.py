"""Convolutional classifiers in torch: ConvNet for images (N, C, H, W), Conv1dNet for signals (N, C, L).

Both are the same network; ``dims`` (2 or 1) picks nn.Conv2d/nn.MaxPool2d or
nn.Conv1d/nn.MaxPool1d. Layers, in order:

1. one stage per entry of ``channels``: a 3x3 (1-D: 3) convolution with
   padding 1, BatchNorm when ``batchnorm``, the activation, a 2x2 (1-D: 2)
   max-pool with stride 2. A stage halves every spatial size, rounding down as
   max-pooling does (7 -> 3): an odd last row or column is dropped. ValueError
   when a size would drop below 1;
2. ``extra_layers`` shape-preserving convolutions (channels[-1] in and out,
   3x3, padding 1), each followed by BatchNorm when ``batchnorm`` and the
   activation. With ``skip_every = k > 0`` they form blocks of k consecutive
   layers from the first one, and each block f computes x + f(x) (the sum comes
   after the block's last activation); when k does not divide extra_layers, the
   last extra_layers % k layers run without a skip;
3. the features flattened to (N, channels[-1] * prod(sizes)), Dropout(dropout)
   when ``dropout > 0``, and a linear head to ``num_classes`` logits.
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from layers.dropout import Dropout
from layers.normalization import BatchNorm
from layers.residual import Residual
from models.mlp import make_activation


class ConvLayer(nn.Module):
    """Returns act(norm(conv(x))): a padded 3x3 (1-D: 3) convolution, optional BatchNorm, activation; keeps the size.

    x: (N, in_channels, H, W) when dims = 2, (N, in_channels, L) when dims = 1;
    returns (N, out_channels, H, W) or (N, out_channels, L). BatchNorm handles
    2-D and 4-D input, so a 1-D signal passes through it as (N, C, L, 1).
    """

    def __init__(self, dims: int, in_channels: int, out_channels: int, activation: str, batchnorm: bool):
        super().__init__()
        raise NotImplementedError("__init__ in student/models/cnn.py is not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns act(norm(conv(x))), with x's batch and spatial sizes."""
        raise NotImplementedError("forward in student/models/cnn.py is not implemented yet")


class ConvNet(nn.Module):
    """A convolutional classifier (see the module docstring for its layers); returns logits (N, num_classes).

    in_channels: channels of the input; image_size: H = W as an int, or (H, W);
    channels: output channels of the stages; activation: a name of
    ``ACTIVATIONS``; dropout: drop probability before the head; extra_layers,
    skip_every: shape-preserving convolutions after the last stage and the size
    of the blocks that get a skip connection (0: none); a negative extra_layers or
    skip_every raises ValueError. x: (N, in_channels, H, W).
    The class attribute ``dims`` (2 here, 1 in Conv1dNet) picks the 2-D or 1-D
    convolution and pooling modules. The default on 1x28x28 input has 50,186 parameters.
    """

    dims = 2

    def __init__(self, in_channels: int, num_classes: int, image_size: int | Sequence[int],
                 channels: Sequence[int] = (32, 64), activation: str = "relu", batchnorm: bool = False,
                 dropout: float = 0.0, extra_layers: int = 0, skip_every: int = 0):
        super().__init__()
        raise NotImplementedError("__init__ in student/models/cnn.py is not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns logits (N, num_classes) for x (N, in_channels, H, W) (Conv1dNet: (N, in_channels, L))."""
        raise NotImplementedError("forward in student/models/cnn.py is not implemented yet")


class Conv1dNet(ConvNet):
    """ConvNet for 1-D signals x (N, in_channels, length), e.g. MNIST-1D; returns logits (N, num_classes).

    The same layers and options as ConvNet with nn.Conv1d (kernel 3, padding 1)
    and nn.MaxPool1d(2); each stage halves the length, rounding down.
    """

    dims = 1

    def __init__(self, in_channels: int, num_classes: int, length: int, channels: Sequence[int] = (32, 64),
                 activation: str = "relu", batchnorm: bool = False, dropout: float = 0.0,
                 extra_layers: int = 0, skip_every: int = 0):
        super().__init__(in_channels, num_classes, length, channels, activation, batchnorm, dropout,
                         extra_layers, skip_every)
