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
    # BEGIN SOLUTION statistics over every axis but axis 1; reshape (D,) vectors to broadcast against x
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        count = x.size // x.shape[1]
        if count < 2:
            raise ValueError(f"batch norm needs more than 1 value per feature in training mode, got input {x.shape}")
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
    out = gamma.reshape(shape) * xhat + beta.reshape(shape)
    return out, (xhat, gamma, inv_std, axes, training), new_mean, new_var
    # END SOLUTION


def batchnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns (dx, dgamma, dbeta), the gradients of batch normalization.

    dout: upstream gradient shaped like x; dx is shaped like x, dgamma and dbeta
    like gamma. In training mode the batch mean and variance depend on x and
    their gradients are part of dx; in eval mode they are constants. Only reads
    the cache: a second call on the same cache gives the same gradients.
    """
    # BEGIN SOLUTION the batch mean and variance are functions of x too
    xhat, gamma, inv_std, axes, training = cache
    shape = (1, -1) + (1,) * (xhat.ndim - 2)
    dgamma = np.sum(dout * xhat, axis=axes)
    dbeta = np.sum(dout, axis=axes)
    dxhat = dout * gamma.reshape(shape)
    if not training:
        return dxhat * inv_std.reshape(shape), dgamma, dbeta
    count = xhat.size // xhat.shape[1]
    dx = inv_std.reshape(shape) / count * (count * dxhat - dbeta.reshape(shape) * gamma.reshape(shape)
                                           - xhat * (dgamma * gamma).reshape(shape))
    return dx, dgamma, dbeta
    # END SOLUTION


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
        # BEGIN SOLUTION nn.Parameter for weight and bias; register_buffer for the running statistics
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns x normalized per feature, scaled by weight and shifted by bias; shaped like x.

        In training mode this updates the running statistics (under
        torch.no_grad()) and needs more than one value per feature (ValueError
        otherwise). x may be non-contiguous (a permuted tensor).
        """
        # BEGIN SOLUTION batch statistics in training mode, running statistics in eval mode
        dims = [0] + list(range(2, x.dim()))
        shape = [1, -1] + [1] * (x.dim() - 2)
        if self.training:
            count = x.numel() // x.shape[1]
            if count < 2:
                raise ValueError(f"batch norm needs more than 1 value per feature in training mode, "
                                 f"got input {tuple(x.shape)}")
            mean = x.mean(dim=dims)
            var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * count / (count - 1))
        else:
            mean, var = self.running_mean, self.running_var
        xhat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + self.eps)
        return self.weight.reshape(shape) * xhat + self.bias.reshape(shape)
        # END SOLUTION
