"""Softmax regression in numpy: one weight matrix, a ReLU on the scores, softmax cross-entropy.

The model holds its parameters in ``weights`` and the gradients of the last
training pass in ``gradients`` (same keys). ``forward`` computes the data loss
only: regularization belongs to the optimizer (``optimizers.numpy_sgd``).
"""
from __future__ import annotations

import numpy as np

from layers.activations import relu_backward, relu_forward
from layers.losses import cross_entropy


class SoftmaxRegression:
    """scores = ReLU(X @ W1), then softmax cross-entropy; ``weights = {"W1": (input_size, num_classes)}``."""

    def __init__(self, input_size: int, num_classes: int, seed: int = 1024):
        """Builds the model with W1 of shape (input_size, num_classes) drawn as 0.001 * standard normal.

        W1 is drawn from ``numpy.random.default_rng(seed)`` (so ``seed`` alone
        decides it, ``seed=0`` included, and the global random states are left
        alone); there is no bias. ``gradients`` holds a zero array of the same
        shape under the same key.
        """
        self.input_size = input_size
        self.num_classes = num_classes
        # TODO: draw W1 with a Generator seeded with seed; gradients start at zero
        raise NotImplementedError("__init__ in student/models/softmax_regression.py is not implemented yet")

    def forward(self, X: np.ndarray, y: np.ndarray, mode: str = "train") -> tuple[float, float]:
        """Returns (loss, accuracy) on the batch: the mean cross-entropy and the fraction classified right.

        X: (N, input_size); y: integer labels (N,) in [0, num_classes).
        scores = ReLU(X @ W1) of shape (N, num_classes); the predicted class is
        the argmax of the scores. In ``mode="train"`` the gradient of the loss
        on this batch with respect to W1 is stored in ``gradients["W1"]``,
        replacing the last pass's (gradients never add up across calls); any
        other mode (e.g. ``"valid"``) only evaluates.
        """
        raise NotImplementedError("forward in student/models/softmax_regression.py is not implemented yet")

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Returns the predicted labels (N,), the argmax of the scores ReLU(X @ W1). X: (N, input_size)."""
        raise NotImplementedError("predict in student/models/softmax_regression.py is not implemented yet")
