"""Batch normalization: a numpy forward/backward pair and a torch module.

Both follow torch's conventions. Statistics are taken per feature (axis 1)
over every other axis: over N for ``(N, D)``, over N, H and W for
``(N, C, H, W)``. In training mode the batch is normalized with its mean and
biased variance, ``(x - mean) / sqrt(var + eps)``, and the running statistics
move towards the batch's: ``(1 - momentum) * old + momentum * batch``, with the
unbiased batch variance. In eval mode the running statistics normalize and are
left unchanged.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, running_mean: np.ndarray,
                      running_var: np.ndarray, training: bool = True, momentum: float = 0.1,
                      eps: float = 1e-5) -> tuple[np.ndarray, tuple, np.ndarray, np.ndarray]:
    """Returns (out, cache, new_running_mean, new_running_var): x batch-normalized per feature.

    x: (N, D) or (N, C, H, W); features lie on axis 1, statistics are taken over
    all other axes. gamma, beta, running_mean, running_var: (D,) or (C,).
    out = gamma * (x - mean) / sqrt(var + eps) + beta, shaped like x, where in
    training mode mean and var are the batch mean and biased batch variance and
    the running statistics become (1 - momentum) * old + momentum * batch (the
    unbiased variance for running_var); this needs more than one value per
    feature (ValueError otherwise). In eval mode the running statistics are used
    and returned unchanged, as copies (new arrays, never the arguments
    themselves). The inputs are never modified.
    """
    # TODO: statistics over every axis but axis 1; reshape (D,) vectors to broadcast against x
    raise NotImplementedError("batchnorm_forward in student/layers/normalization.py is not implemented yet")


def batchnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns (dx, dgamma, dbeta), the gradients of batch normalization.

    dout: upstream gradient shaped like x; dx is shaped like x, dgamma and dbeta
    like gamma. In training mode the batch mean and variance depend on x and
    their gradients are part of dx; in eval mode they are constants. Only reads
    the cache: a second call on the same cache gives the same gradients.
    """
    # TODO: the batch mean and variance are functions of x too
    raise NotImplementedError("batchnorm_backward in student/layers/normalization.py is not implemented yet")


class BatchNorm(nn.Module):
    """Batch normalization over axis 1 of 2-D ``(N, D)`` or 4-D ``(N, C, H, W)`` input, as nn.BatchNorm1d/2d.

    Parameters ``weight`` (ones) and ``bias`` (zeros), buffers ``running_mean``
    (zeros) and ``running_var`` (ones), each of shape (num_features,). The
    buffers never require grad and carry no autograd history, so that a
    backward pass in eval mode after any number of training steps works.
    """

    def __init__(self, num_features: int, momentum: float = 0.1, eps: float = 1e-5):
        super().__init__()
        self.momentum = momentum
        self.eps = eps
        # TODO: nn.Parameter for weight and bias; register_buffer for the running statistics
        raise NotImplementedError("__init__ in student/layers/normalization.py is not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns x normalized per feature, scaled by weight and shifted by bias; shaped like x.

        In training mode this updates the running statistics (under
        torch.no_grad()) and needs more than one value per feature (ValueError
        otherwise). x may be non-contiguous (a permuted tensor).
        """
        # TODO: batch statistics in training mode, running statistics in eval mode
        raise NotImplementedError("forward in student/layers/normalization.py is not implemented yet")
