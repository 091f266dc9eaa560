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
    # BEGIN SOLUTION
    X_train, y_train, X_val, y_val = data
    history = History()
    for epoch in range(epochs):
        x_batches, y_batches = generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)
        loss_sum = acc_sum = 0.0
        l1: dict[str, float] = {}
        for X, y in zip(x_batches, y_batches):
            loss, acc = model.forward(X, y, mode="train")
            if epoch == 0:
                for key, grad in model.gradients.items():
                    l1[key] = l1.get(key, 0.0) + float(np.sum(np.abs(grad)))
            optimizer.update(model)
            loss_sum += float(loss) * len(y)
            acc_sum += float(acc) * len(y)
        if epoch == 0:
            history.grad_l1 = {key: total / len(x_batches) for key, total in l1.items()}
        history.train_loss.append(loss_sum / len(y_train))
        history.train_acc.append(acc_sum / len(y_train))
        val_loss, val_acc = model.forward(X_val, y_val, mode="valid")
        history.val_loss.append(float(val_loss))
        history.val_acc.append(float(val_acc))
    return history
    # END SOLUTION


def _eval_outputs(model: nn.Module, X: np.ndarray, batch_size: int, device: torch.device) -> torch.Tensor:
    """Returns the model's outputs for all of X, (N, C), computed in eval mode without gradients.

    X: (N, ...) numpy features, converted to float32 tensors on ``device``,
    ``batch_size`` samples at a time; the outputs are concatenated in order.
    The model's training flag is restored afterwards.
    """
    # BEGIN SOLUTION model.eval() and torch.no_grad(); put model.train(was_training) back at the end
    was_training = model.training
    model.eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            xb = torch.as_tensor(X[start:start + batch_size], dtype=torch.float32, device=device)
            outputs.append(model(xb))
    model.train(was_training)
    return torch.cat(outputs)
    # END SOLUTION


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
    # BEGIN SOLUTION
    dev = resolve_device(device)
    model.to(dev)
    X_train, y_train, X_val, y_val = data
    history = History()
    steps_per_epoch = -(-len(X_train) // batch_size)
    bar = tqdm(total=epochs * steps_per_epoch, disable=not progress, unit="batch", leave=False)
    for epoch in range(epochs):
        model.train()
        bar.set_description(f"epoch {epoch + 1}/{epochs}")
        x_batches, y_batches = generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)
        loss_sum = torch.zeros((), device=dev)
        correct = torch.zeros((), device=dev)
        l1: dict[str, torch.Tensor] = {}
        for X, y in zip(x_batches, y_batches):
            xb = torch.as_tensor(X, dtype=torch.float32, device=dev)
            yb = torch.as_tensor(y, dtype=torch.int64, device=dev)
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            if epoch == 0:
                for name, p in model.named_parameters():
                    if p.grad is not None:
                        l1[name] = l1.get(name, 0.0) + p.grad.detach().abs().sum()
            optimizer.step()
            loss_sum += loss.detach() * len(yb)
            correct += (logits.detach().argmax(dim=1) == yb).sum()
            bar.update(1)
        if epoch == 0:
            history.grad_l1 = {name: float(total) / len(x_batches) for name, total in l1.items()}
        history.train_loss.append(float(loss_sum) / len(X_train))
        history.train_acc.append(float(correct) / len(X_train))
        logits = _eval_outputs(model, X_val, batch_size, dev)
        yv = torch.as_tensor(y_val, dtype=torch.int64, device=dev)
        history.val_loss.append(float(loss_fn(logits, yv)))
        history.val_acc.append(float((logits.argmax(dim=1) == yv).float().mean()))
        bar.set_postfix(loss=f"{history.train_loss[-1]:.4f}", val_acc=f"{history.val_acc[-1]:.3f}")
    bar.close()
    return history
    # END SOLUTION


def predict(model: Any, X: np.ndarray, batch_size: int = 256, device: str = "cpu") -> np.ndarray:
    """Returns the predicted labels (N,), int64, of ``model`` for the inputs ``X`` (N, ...).

    A torch ``nn.Module`` is moved to ``device`` (``"cpu"``, ``"cuda"``,
    ``"auto"``) and run in eval mode without gradients, ``batch_size`` samples
    at a time; the label is the argmax of its outputs. Its training flag is
    restored afterwards. Any other model is a numpy model (``SoftmaxRegression``,
    ``TwoLayerNet``): the labels are ``model.predict(X)``.
    """
    # BEGIN SOLUTION
    if not isinstance(model, nn.Module):
        return np.asarray(model.predict(X)).astype(np.int64)
    dev = resolve_device(device)
    model.to(dev)
    return _eval_outputs(model, X, batch_size, dev).argmax(dim=1).cpu().numpy().astype(np.int64)
    # END SOLUTION
