"""Stochastic gradient descent with L2 regularization for the numpy models.

A numpy model exposes ``weights`` and ``gradients``, two dicts with the same
keys; the model's ``forward`` fills ``gradients`` with the gradient of the data
loss. The optimizer adds the regularization and takes the step, minimizing
``L + reg / 2 * sum of W^2`` over the weight matrices (keys starting with ``W``).
"""
from __future__ import annotations

from typing import Any


class NumpySGD:
    """Plain SGD on ``model.weights`` with L2 regularization of the weight matrices (never the biases)."""

    def __init__(self, learning_rate: float = 1e-4, reg: float = 1e-3):
        self.learning_rate = learning_rate
        self.reg = reg

    def apply_regularization(self, model: Any) -> None:
        """Returns None; adds ``reg * W`` to ``model.gradients[k]`` for every key ``k`` starting with ``"W"``.

        That is the gradient of ``reg / 2 * sum(W ** 2)``. Biases (every other
        key) are left alone, and so are the weights.
        """
        raise NotImplementedError("apply_regularization in student/optimizers/numpy_sgd.py is not implemented yet")

    def update(self, model: Any) -> None:
        """Returns None; regularizes the gradients, then sets ``w -= learning_rate * grad`` for every key.

        Every step uses the weights and gradients as they were before the step:
        all regularization terms are added before any weight changes.
        """
        raise NotImplementedError("update in student/optimizers/numpy_sgd.py is not implemented yet")
