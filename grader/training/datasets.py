"""The one recipe that turns the ``data`` section of a config into train, validation and test splits.

``load(cfg_data, source)`` builds ``(X_train, y_train, X_val, y_val, X_test,
y_test)``. ``python -m grader train`` passes the implementation's ``utils.data``
module as ``source``, so that students train on what their own loaders
produce; the grader passes its own loaders (``grader.grading.datasets``), so it
alone holds the test labels. Either way the recipe is the same:

1. load the dataset; one without a test split of its own (digits, spirals) is
   shuffled once with the fixed ``SPLIT_SEED`` and its last ``test_fraction``
   becomes the test set;
2. ``train_val_split`` the rest (the first ``train_fraction`` trains);
3. ``normalize`` all three with the training statistics when asked.
"""
from __future__ import annotations

from types import ModuleType, SimpleNamespace
from typing import Callable

import numpy as np

from grader.training.registry import DATASETS

SPLIT_SEED = 0
"""Seed of the one permutation that separates the test set of digits and spirals."""

Split = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def hold_out(X: np.ndarray, y: np.ndarray, test_fraction: float, seed: int = SPLIT_SEED) -> tuple:
    """Returns (X_rest, y_rest, X_test, y_test): one shuffle (``seed``), then the last ``test_fraction`` for testing."""
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    rest, test = order[:len(X) - n_test], order[len(X) - n_test:]
    return X[rest], y[rest], X[test], y[test]


def load(cfg_data: dict, source: ModuleType | SimpleNamespace, held_out: Callable = hold_out) -> Split:
    """Returns (X_train, y_train, X_val, y_val, X_test, y_test) for the checked ``data`` section of a config.

    ``source`` provides the loaders (``utils.data`` of an implementation, or the
    grader's own); ``held_out(X, y, test_fraction)`` separates the test set of a
    dataset without one (the grader's graded runs pass their own). Features keep the dataset's natural shape: digits
    ``(N, 64)``, digits_images ``(N, 1, 8, 8)``, spirals ``(N, 2)``, mnist1d
    ``(N, 40)``, mnist ``(N, 1, 28, 28)``, cifar10 ``(N, 3, 32, 32)``; labels int64.
    """
    name = cfg_data["name"]
    if DATASETS[name].held_out:
        if name == "spirals":
            X, y = source.make_spirals(cfg_data["n_per_class"], cfg_data["n_classes"], cfg_data["noise"],
                                       seed=SPLIT_SEED)
        else:
            X, y = source.load_digits(flatten=name == "digits")
        X_rest, y_rest, X_test, y_test = held_out(np.asarray(X), np.asarray(y), cfg_data["test_fraction"])
    elif name == "mnist1d":
        X_rest, y_rest, X_test, y_test = source.load_mnist1d()
    elif name == "mnist":
        X_rest, y_rest = source.load_mnist(cfg_data["root"], "train", flatten=False)
        X_test, y_test = source.load_mnist(cfg_data["root"], "test", flatten=False)
    else:
        X_rest, y_rest = source.load_cifar10(cfg_data["root"], "train")
        X_test, y_test = source.load_cifar10(cfg_data["root"], "test")
    X_train, y_train, X_val, y_val = source.train_val_split(X_rest, y_rest, cfg_data["train_fraction"])
    if cfg_data["normalize"]:
        X_train, X_val, X_test = source.normalize(X_train, X_val, X_test)
    return (np.asarray(X_train), np.asarray(y_train, dtype=np.int64), np.asarray(X_val),
            np.asarray(y_val, dtype=np.int64), np.asarray(X_test), np.asarray(y_test, dtype=np.int64))
