"""A two-layer fully connected network in numpy: linear, activation, linear, softmax cross-entropy.

Parameters live in ``weights`` (``W1, b1, W2, b2``) and the gradients of the
last training pass in ``gradients`` (same keys). ``forward`` computes the data
loss only: regularization belongs to the optimizer (``optimizers.numpy_sgd``).
"""
from __future__ import annotations

import numpy as np

from layers import activations
from layers.linear import linear_backward, linear_forward
from layers.losses import cross_entropy


class TwoLayerNet:
    """scores = act(X @ W1 + b1) @ W2 + b2, trained with softmax cross-entropy."""

    def __init__(self, input_size: int, hidden_size: int, num_classes: int, activation: str = "sigmoid",
                 weight_scale: float = 1e-3, seed: int = 1024):
        """Builds the network: W1 (input_size, hidden_size), b1 (hidden_size,), W2 (hidden_size, num_classes),
        b2 (num_classes,).

        W1 and W2 are ``weight_scale * standard normal`` from
        ``numpy.random.default_rng(seed)`` (``seed`` alone decides them, 0
        included, and the global random states are left alone); the biases
        start at zero. ``activation`` names a numpy pair of
        ``layers.activations`` (``"sigmoid"``, ``"relu"``, ``"tanh"``,
        ``"leaky_relu"``, ``"silu"``, ``"gaussian"``). ``gradients`` holds zero
        arrays under the same keys.
        """
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_classes = num_classes
        self.activation = activation
        if not hasattr(activations, f"{activation}_forward"):
            raise ValueError(f"unknown activation {activation!r}; "
                             "use sigmoid, relu, tanh, leaky_relu, silu or gaussian")
        self._act_forward = getattr(activations, f"{activation}_forward")
        self._act_backward = getattr(activations, f"{activation}_backward")
        # BEGIN SOLUTION draw W1 then W2 from one Generator seeded with seed; zero biases and gradients
        draws = np.random.default_rng(seed)
        self.weights = {
            "W1": weight_scale * draws.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": weight_scale * draws.standard_normal((hidden_size, num_classes)),
            "b2": np.zeros(num_classes),
        }
        self.gradients = {key: np.zeros_like(value) for key, value in self.weights.items()}
        # END SOLUTION

    def forward(self, X: np.ndarray, y: np.ndarray, mode: str = "train") -> tuple[float, float]:
        """Returns (loss, accuracy) on the batch: the mean cross-entropy and the fraction classified right.

        X: (N, input_size); y: integer labels (N,) in [0, num_classes).
        h = act(X @ W1 + b1) of shape (N, hidden_size); scores = h @ W2 + b2 of
        shape (N, num_classes); the predicted class is the argmax of the scores.
        In ``mode="train"`` the gradients of the loss on this batch with respect
        to every weight are stored in ``gradients``, replacing the last pass's
        (gradients never add up across calls); any other mode only evaluates.
        """
        # BEGIN SOLUTION linear_forward, self._act_forward, linear_forward, cross_entropy; then back
        w = self.weights
        z1, cache1 = linear_forward(X, w["W1"], w["b1"])
        h, act_cache = self._act_forward(z1)
        scores, cache2 = linear_forward(h, w["W2"], w["b2"])
        loss, dscores = cross_entropy(scores, y)
        accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
        if mode == "train":
            dh, dW2, db2 = linear_backward(dscores, cache2)
            dz1 = self._act_backward(dh, act_cache)
            _, dW1, db1 = linear_backward(dz1, cache1)
            self.gradients = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
        return loss, accuracy
        # END SOLUTION

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Returns the predicted labels (N,), the argmax of the scores. X: (N, input_size)."""
        # BEGIN SOLUTION
        w = self.weights
        z1, _ = linear_forward(X, w["W1"], w["b1"])
        h, _ = self._act_forward(z1)
        scores, _ = linear_forward(h, w["W2"], w["b2"])
        return np.argmax(scores, axis=1)
        # END SOLUTION
