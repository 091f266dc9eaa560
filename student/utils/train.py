"""Training loops written by hand: one for the numpy models, one for torch modules, and prediction.

Both loops take ``data = (X_train, y_train, X_val, y_val)`` (numpy arrays),
draw shuffled mini-batches with ``utils.data.generate_batched_data`` (epoch
``e`` shuffles with ``seed + e``), validate once per epoch and return a
``History`` of the learning curves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from utils.data import generate_batched_data


@dataclass
class History:
    """Per-epoch learning curves, and per parameter name the mean L1 norm of its gradient in the first epoch."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    grad_l1: dict[str, float] = field(default_factory=dict)


def resolve_device(device: str) -> torch.device:
    """Returns the torch device named ``device``: ``"cpu"``, ``"cuda"``, or ``"auto"`` (cuda when available)."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def train_numpy(model: Any, optimizer: Any, data: tuple, epochs: int, batch_size: int, seed: int = 0) -> History:
    """Returns the History of training numpy ``model`` with ``optimizer`` for ``epochs`` epochs.

    model: has ``weights``, ``gradients`` and ``forward(X, y, mode) -> (loss,
    accuracy)`` (``SoftmaxRegression``, ``TwoLayerNet``); optimizer: has
    ``update(model)`` (``NumpySGD``). data: ``(X_train, y_train, X_val, y_val)``.
    Epoch ``e`` visits every training sample once, in the mini-batches of
    ``generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + e)``
    (the last one may be smaller); per batch: ``model.forward(X, y, mode="train")``,
    then ``optimizer.update(model)``. After the epoch, one
    ``model.forward(X_val, y_val, mode="valid")`` gives ``val_loss`` and ``val_acc``.
    ``train_loss`` and ``train_acc`` are the batch values of the epoch averaged
    with the batch sizes as weights (the mean over the epoch's samples).
    ``grad_l1[key]`` is the mean over the first epoch's steps of
    ``sum(|model.gradients[key]|)``, read after ``forward`` and before ``update``
    (an update may change ``model.gradients``, as NumpySGD's regularization does).
    """
    raise NotImplementedError("train_numpy in student/utils/train.py is not implemented yet")


def _eval_outputs(model: nn.Module, X: np.ndarray, batch_size: int, device: torch.device) -> torch.Tensor:
    """Returns the model's outputs for all of X, (N, C), computed in eval mode without gradients.

    X: (N, ...) numpy features, converted to float32 tensors on ``device``,
    ``batch_size`` samples at a time; the outputs are concatenated in order.
    The model's training flag is restored afterwards.
    """
    # TODO: model.eval() and torch.no_grad(); put model.train(was_training) back at the end
    raise NotImplementedError("_eval_outputs in student/utils/train.py is not implemented yet")


def train_torch(model: nn.Module, optimizer: Any, loss_fn: Callable, data: tuple, epochs: int, batch_size: int,
                seed: int = 0, device: str = "cpu", progress: bool = False) -> History:
    """Returns the History of training torch ``model`` with ``optimizer`` and ``loss_fn`` for ``epochs`` epochs.

    optimizer: has ``zero_grad()`` and ``step()`` (``optimizers.sgd.SGD``,
    ``optimizers.adam.Adam``); loss_fn(logits (N, C), labels (N,)) -> scalar
    tensor, mean over the batch. data: ``(X_train, y_train, X_val, y_val)``
    numpy arrays; features become float32 and labels int64 tensors on
    ``device`` (``"cpu"``, ``"cuda"`` or ``"auto"``, which picks cuda when
    available); the model is moved there first.
    Epoch ``e`` runs in train mode over the mini-batches of
    ``generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + e)``
    (the last one may be smaller); per batch: reset the gradients (the first
    batch too: the model may come with stale ones), forward, loss, backward,
    ``optimizer.step()``. Then validation runs in eval mode
    under ``torch.no_grad()`` (``batch_size`` samples at a time): ``val_loss`` is
    ``loss_fn`` over all validation samples, ``val_acc`` the fraction whose
    argmax is right. ``train_loss`` and ``train_acc`` average the batch values
    of the epoch with the batch sizes as weights. ``grad_l1[name]`` is, for each
    named parameter, the mean over the first epoch's steps of ``sum(|p.grad|)``
    just before the step (a step may change the gradients). ``progress=True`` shows a tqdm bar over the batches.
    """
    raise NotImplementedError("train_torch in student/utils/train.py is not implemented yet")


def predict(model: Any, X: np.ndarray, batch_size: int = 256, device: str = "cpu") -> np.ndarray:
    """Returns the predicted labels (N,), int64, of ``model`` for the inputs ``X`` (N, ...).

    A torch ``nn.Module`` is moved to ``device`` (``"cpu"``, ``"cuda"``,
    ``"auto"``) and run in eval mode without gradients, ``batch_size`` samples
    at a time; the label is the argmax of its outputs. Its training flag is
    restored afterwards. Any other model is a numpy model (``SoftmaxRegression``,
    ``TwoLayerNet``): the labels are ``model.predict(X)``.
    """
    raise NotImplementedError("predict in student/utils/train.py is not implemented yet")
