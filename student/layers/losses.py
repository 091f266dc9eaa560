"""Losses: softmax and the numpy losses with their gradients, and the same losses in torch.

numpy API: ``softmax(z)`` and ``log_softmax(z)`` over the last axis; every
loss returns ``(loss, grad)``: a float, the mean over the batch, and its
gradient with respect to the first argument, shaped like it.
The torch losses return a scalar tensor (mean reduction) built from tensor
arithmetic only (no ``torch.nn.functional``, ``torch.softmax``,
``torch.log_softmax``, ``torch.logsumexp`` or ``torch.sigmoid``); autograd gives
their backward pass. All of them are stable: no overflow, NaN or inf for finite
logits up to ``|z| = 1e4`` (float64) or ``1e3`` (float32).
"""
from __future__ import annotations

import numpy as np
import torch


def softmax(z: np.ndarray) -> np.ndarray:
    """Returns the softmax of ``z`` over its last axis, shaped like ``z``.

    z: scores of shape (..., C), usually (N, C). Each row of the result is
    positive and sums to 1. Stable: the row maximum is subtracted before exp,
    which leaves the result unchanged.
    """
    # TODO: subtract the row maximum (keepdims=True) before exp
    raise NotImplementedError("softmax in student/layers/losses.py is not implemented yet")


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Returns log(softmax(z)) over the last axis, shaped like ``z``, computed stably.

    z: scores of shape (..., C). With m the row maximum,
    log_softmax(z) = (z - m) - log(sum(exp(z - m))): finite even where softmax
    itself underflows to 0.
    """
    # TODO: log-sum-exp with the row maximum subtracted
    raise NotImplementedError("log_softmax in student/layers/losses.py is not implemented yet")


def cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Returns (loss, dz): the mean softmax cross-entropy and its gradient.

    z: scores of shape (N, C); y: integer labels of shape (N,) in [0, C).
    loss = mean over i of -log softmax(z)[i, y_i];
    dz = (softmax(z) - onehot(y)) / N, of shape (N, C).
    Finite even when the true-class score is far below the others.
    """
    raise NotImplementedError("cross_entropy in student/layers/losses.py is not implemented yet")


def binary_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Returns (loss, dz): the mean binary cross-entropy on logits and its gradient.

    z: logits of shape (N,); y: targets of shape (N,) in {0, 1}.
    loss = mean of -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)), computed as
    max(z, 0) - z y + log(1 + exp(-|z|)), which never overflows;
    dz = (sigmoid(z) - y) / N, of shape (N,), exactly so at z = 0 as well (the
    kinks of max(z, 0) and |z| cancel: dz = (1/2 - y) / N there).
    """
    # TODO: use max(z, 0) - z*y + log(1 + exp(-|z|))
    raise NotImplementedError("binary_cross_entropy in student/layers/losses.py is not implemented yet")


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Returns (loss, dpred): the mean squared error over all elements and its gradient.

    pred, target: arrays of the same shape, e.g. (N, D).
    loss = mean((pred - target)^2); dpred = 2 (pred - target) / pred.size,
    shaped like ``pred``.
    """
    raise NotImplementedError("mse in student/layers/losses.py is not implemented yet")


def cross_entropy_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Returns the mean softmax cross-entropy, a scalar tensor, as ``F.cross_entropy``.

    logits: (N, C) floating tensor; y: (N,) int64 tensor of class indices in [0, C).
    Uses log-sum-exp with the row maximum subtracted, so it stays finite for
    float32 logits up to 1e3 apart.
    """
    # TODO: log_softmax by hand: subtract the row maximum, then log-sum-exp
    raise NotImplementedError("cross_entropy_loss in student/layers/losses.py is not implemented yet")


def binary_cross_entropy_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Returns the mean binary cross-entropy on logits, a scalar tensor, as ``F.binary_cross_entropy_with_logits``.

    logits: (N,) floating tensor; y: (N,) floating tensor of 0s and 1s.
    Computed as max(z, 0) - z y + log(1 + exp(-|z|)), which never overflows. Its
    autograd gradient is (sigmoid(z) - y) / N, as F's, at z = 0 exactly as well
    ((1/2 - y) / N: a zero-initialized model's logits are exactly 0), however
    max(z, 0) and |z| are written: their kinks at 0 must cancel.
    """
    # TODO: use max(z, 0) - z*y + log(1 + exp(-|z|))
    raise NotImplementedError("binary_cross_entropy_loss in student/layers/losses.py is not implemented yet")


def mse_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Returns the mean squared error over all elements, a scalar tensor, as ``F.mse_loss``.

    pred, target: tensors of the same shape.
    """
    raise NotImplementedError("mse_loss in student/layers/losses.py is not implemented yet")
