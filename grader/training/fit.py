"""From a config to a trained model: the implementation's model, optimizer and loop, driven epoch by epoch.

``fit`` and ``predict_labels`` serve ``python -m grader train`` and the graded
training runs alike (the latter through the probe ``train_and_predict``).
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

import numpy as np
import torch

from grader.testkit.probes.generic import target
from grader.training.registry import MODELS, NUMPY_MODELS, OPTIMIZERS

HISTORY_LISTS = ("train_loss", "train_acc", "val_loss", "val_acc")


def model_inputs(model_type: str, X: np.ndarray) -> np.ndarray:
    """Returns features ``X`` (N, ...) shaped and typed for ``model_type``.

    Models of images (convnet) take (N, C, H, W) as it is; models of signals
    (conv1dnet) take (N, 1, L) or (N, C, L); every other model takes (N, D),
    flattened. numpy models get float64, torch models float32.
    """
    X = np.asarray(X)
    inputs = MODELS[model_type].inputs
    if inputs == "signals" and X.ndim == 2:
        X = X[:, None, :]
    elif inputs == "flat":
        X = X.reshape(len(X), -1)
    return X.astype(np.float64 if model_type in NUMPY_MODELS else np.float32)


def build_model(model_cfg: dict, sample_shape: tuple, num_classes: int, seed: int) -> Any:
    """Returns the implementation's model for the checked ``model`` section of a config.

    ``sample_shape``: the shape of one input from ``model_inputs`` (no batch
    axis). Sizes come from it and ``num_classes``; the other constructor
    arguments from the config. numpy models get ``seed``; torch models are built
    after ``torch.manual_seed(seed)``.
    """
    kind = model_cfg["type"]
    kwargs = {k: v for k, v in model_cfg.items() if k != "type"}
    cls = target(MODELS[kind].cls)
    if kind == "softmax_regression":
        return cls(input_size=sample_shape[0], num_classes=num_classes, seed=seed)
    if kind == "two_layer_net":
        return cls(input_size=sample_shape[0], num_classes=num_classes, seed=seed, **kwargs)
    torch.manual_seed(seed)
    if kind in ("mlp", "residual_mlp"):
        return cls(in_features=sample_shape[0], out_features=num_classes, **kwargs)
    kwargs["channels"] = tuple(kwargs["channels"])
    if kind == "convnet":
        return cls(in_channels=sample_shape[0], num_classes=num_classes, image_size=tuple(sample_shape[1:3]), **kwargs)
    return cls(in_channels=sample_shape[0], num_classes=num_classes, length=sample_shape[1], **kwargs)


def build_optimizer(optimizer_cfg: dict, model: Any) -> Any:
    """Returns the implementation's optimizer for the checked ``optimizer`` section, over ``model``'s parameters."""
    kind = optimizer_cfg["type"]
    kwargs = {k: v for k, v in optimizer_cfg.items() if k != "type"}
    cls = target(OPTIMIZERS[kind].cls)
    if kind == "numpy_sgd":
        return cls(**kwargs)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    return cls(model.parameters(), **kwargs)


def device_name(config: dict) -> str:
    """Returns the torch device a config trains on: its ``device``, with ``auto`` resolved."""
    if config["device"] == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return config["device"]


def fit(config: dict, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
        on_epoch: Callable[[int, dict], None] | None = None, progress: bool = False) -> tuple[Any, dict]:
    """Returns (model, history): the implementation's model trained as ``config`` says, and its History as a dict.

    The implementation's loop (``train_numpy`` or ``train_torch`` with the
    implementation's ``cross_entropy_loss``) runs one epoch per call, epoch
    ``e`` with seed ``seed + e``, so that ``on_epoch(e, history so far)`` can
    report each epoch. ``grad_l1`` comes from the first epoch.
    """
    train = importlib.import_module("utils.train")
    kind = config["model"]["type"]
    X_train, X_val = model_inputs(kind, X_train), model_inputs(kind, X_val)
    num_classes = int(max(y_train.max(), y_val.max())) + 1
    seed, epochs, batch_size = config["seed"], config["train"]["epochs"], config["train"]["batch_size"]
    model = build_model(config["model"], X_train.shape[1:], num_classes, seed)
    data = (X_train, y_train, X_val, y_val)
    if kind in NUMPY_MODELS:
        optimizer = build_optimizer(config["optimizer"], model)

        def one_epoch(epoch: int) -> Any:
            return train.train_numpy(model, optimizer, data, 1, batch_size, seed=seed + epoch)
    else:
        device = device_name(config)
        model.to(device)
        optimizer = build_optimizer(config["optimizer"], model)
        loss_fn = target("layers.losses:cross_entropy_loss")

        def one_epoch(epoch: int) -> Any:
            return train.train_torch(model, optimizer, loss_fn, data, 1, batch_size, seed=seed + epoch,
                                     device=device, progress=progress)
    history: dict = {name: [] for name in HISTORY_LISTS}
    for epoch in range(epochs):
        result = one_epoch(epoch)
        for name in HISTORY_LISTS:
            history[name].extend(float(v) for v in getattr(result, name))
        if epoch == 0:
            history["grad_l1"] = {str(k): float(v) for k, v in result.grad_l1.items()}
        if on_epoch is not None:
            on_epoch(epoch, history)
    return model, history


def predict_labels(model: Any, config: dict, X: np.ndarray) -> np.ndarray:
    """Returns the implementation's ``predict`` of ``model`` for raw features ``X``, as int64 labels (N,)."""
    predict = target("utils.train:predict")
    device = "cpu" if config["model"]["type"] in NUMPY_MODELS else device_name(config)
    labels = predict(model, model_inputs(config["model"]["type"], X), device=device)
    return np.asarray(labels).astype(np.int64).reshape(-1)
