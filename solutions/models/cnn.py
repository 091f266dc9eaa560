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
        # BEGIN SOLUTION
        conv = nn.Conv2d if dims == 2 else nn.Conv1d
        self.conv = conv(in_channels, out_channels, kernel_size=3, padding=1)
        self.norm = BatchNorm(out_channels) if batchnorm else None
        self.act = make_activation(activation)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns act(norm(conv(x))), with x's batch and spatial sizes."""
        # BEGIN SOLUTION
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x) if x.dim() == 4 else self.norm(x.unsqueeze(-1)).squeeze(-1)
        return self.act(x)
        # END SOLUTION


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
        # BEGIN SOLUTION
        if extra_layers < 0 or skip_every < 0:
            raise ValueError(f"extra_layers and skip_every must be >= 0, got {extra_layers} and {skip_every}")
        sizes = [image_size] * self.dims if isinstance(image_size, int) else list(image_size)
        pool = nn.MaxPool2d if self.dims == 2 else nn.MaxPool1d
        layers: list[nn.Module] = []
        c = in_channels
        for out_channels in channels:
            layers += [ConvLayer(self.dims, c, out_channels, activation, batchnorm), pool(2)]
            sizes = [s // 2 for s in sizes]
            if min(sizes) < 1:
                raise ValueError(f"input size {image_size} is too small for {len(channels)} pooling stages")
            c = out_channels
        block = skip_every if skip_every > 0 else 1
        for start in range(0, extra_layers, block):
            group = [ConvLayer(self.dims, c, c, activation, batchnorm)
                     for _ in range(min(block, extra_layers - start))]
            if skip_every > 0 and len(group) == skip_every:
                layers.append(Residual(nn.Sequential(*group)))
            else:
                layers += group
        self.features = nn.Sequential(*layers)
        self.dropout = Dropout(dropout) if dropout > 0 else None
        self.head = nn.Linear(c * math.prod(sizes), num_classes)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns logits (N, num_classes) for x (N, in_channels, H, W) (Conv1dNet: (N, in_channels, L))."""
        # BEGIN SOLUTION
        h = self.features(x).flatten(1)
        if self.dropout is not None:
            h = self.dropout(h)
        return self.head(h)
        # END SOLUTION


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
