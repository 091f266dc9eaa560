"""Datasets for training runs: the grader's own trusted loaders, and the one recipe that splits them.

``load(cfg_data)`` builds ``(X_train, y_train, X_val, y_val, X_test, y_test)``
from the ``data`` section of a config. The grader grades with its own loaders
below, so it alone holds the test labels and student code never touches them;
``python -m grader train`` passes the implementation's ``utils.data`` module
instead, so that students train on what their own loaders produce. Either way
the recipe is the same:

1. load the dataset; one without a test split of its own (digits, spirals) is
   shuffled once with the fixed ``SPLIT_SEED`` and its last ``test_fraction``
   becomes the test set;
2. ``train_val_split`` the rest (the first ``train_fraction`` trains);
3. ``normalize`` all three with the training statistics when asked.
"""
from __future__ import annotations

import random
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

SPLIT_SEED = 0
"""Seed of the one permutation that separates the test set of digits and spirals."""

Split = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _load_digits(flatten: bool = True) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    return (X if flatten else X.reshape(-1, 1, 8, 8)), digits.target.astype(np.int64)


def _load_mnist1d(seed: int = 42) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    import mnist1d.data

    settings = mnist1d.data.get_dataset_args()
    settings.seed = seed
    saved = (random.getstate(), np.random.get_state())
    try:
        generated = mnist1d.data.make_dataset(settings)
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])
    return tuple(np.asarray(generated[key], dtype=np.int64 if key.startswith("y") else np.float64)
                 for key in ("x", "y", "x_test", "y_test"))


def _make_spirals(n_per_class: int, n_classes: int = 3, noise: float = 0.2,
                  seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    # All classes at once: one (n_classes, n_per_class) draw is the same stream as one draw per class.
    jitter = noise * np.random.default_rng(seed).standard_normal((n_classes, n_per_class))
    start = 4.0 * np.arange(n_classes)[:, None]
    angle = start + np.linspace(0.0, 4.0, n_per_class)[None, :] + jitter
    radius = np.broadcast_to(np.linspace(0.0, 1.0, n_per_class), angle.shape)
    points = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=-1).reshape(-1, 2)
    return points, np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)


def _unavailable(name: str):
    def loader(*args: Any, **kwargs: Any):
        raise ValueError(f"data.name {name} is read from files the grader does not hold; "
                         "graded runs use digits, digits_images, mnist1d or spirals")
    return loader


def _train_val_split(X: np.ndarray, y: np.ndarray, train_fraction: float = 0.8) -> tuple:
    n_train = int(len(X) * train_fraction)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def _normalize(X_train: np.ndarray, *others: np.ndarray) -> tuple:
    center, spread = X_train.mean(axis=0), X_train.std(axis=0)
    spread[spread == 0] = 1.0
    return tuple((part - center) / spread for part in (X_train, *others))


TRUSTED = SimpleNamespace(load_digits=_load_digits, load_mnist1d=_load_mnist1d, make_spirals=_make_spirals,
                          load_mnist=_unavailable("mnist"), load_cifar10=_unavailable("cifar10"),
                          train_val_split=_train_val_split, normalize=_normalize)
"""The grader's loaders, with the names and signatures of ``utils.data``."""


def hold_out(X: np.ndarray, y: np.ndarray, test_fraction: float) -> tuple:
    """Returns (X_rest, y_rest, X_test, y_test): one fixed shuffle, then the last ``test_fraction`` for testing."""
    order = np.random.default_rng(SPLIT_SEED).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    rest, test = order[:len(X) - n_test], order[len(X) - n_test:]
    return X[rest], y[rest], X[test], y[test]


def load(cfg_data: dict, source: ModuleType | SimpleNamespace = TRUSTED) -> Split:
    """Returns (X_train, y_train, X_val, y_val, X_test, y_test) for the checked ``data`` section of a config.

    ``source`` provides the loaders (``utils.data`` of an implementation, or the
    grader's own by default). Features keep the dataset's natural shape: digits
    ``(N, 64)``, digits_images ``(N, 1, 8, 8)``, spirals ``(N, 2)``, mnist1d
    ``(N, 40)``, mnist ``(N, 1, 28, 28)``, cifar10 ``(N, 3, 32, 32)``; labels int64.
    """
    name = cfg_data["name"]
    if name in ("digits", "digits_images", "spirals"):
        if name == "spirals":
            X, y = source.make_spirals(cfg_data["n_per_class"], cfg_data["n_classes"], cfg_data["noise"],
                                       seed=SPLIT_SEED)
        else:
            X, y = source.load_digits(flatten=name == "digits")
        X_rest, y_rest, X_test, y_test = hold_out(np.asarray(X), np.asarray(y), cfg_data["test_fraction"])
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
