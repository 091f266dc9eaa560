"""Probes of training: the graded run (``train_and_predict``), the numpy models, ``NumpySGD`` and the loops.

The loop probes train small models defined here that record every forward call
(the input, train or eval mode, whether gradients were on, the parameters at
that moment), so that a test can replay each step on its own.
"""
from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import numpy as np
import torch
from torch import nn

from grader.testkit.probes.generic import perturbed, target
from grader.training.fit import HISTORY_LISTS, fit, predict_labels

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


def train_and_predict(config: dict, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray,
                      y_val: np.ndarray, X_test: np.ndarray) -> dict:
    """Returns ``{"predictions", "history"}``: the implementation trained per ``config``, and its labels for X_test.

    The graded training run: the test labels never reach this process.
    """
    model, history = fit(config, X_train, y_train, X_val, y_val)
    return {"predictions": predict_labels(model, config, X_test), "history": history}


# ---- numpy models and NumpySGD ----------------------------------------------------------------------

def _numpy_model(name: str, kwargs: dict, weights: dict | None) -> Any:
    model = target(name)(**kwargs)
    for key, value in (weights or {}).items():
        model.weights[key] = np.array(value, dtype=np.float64)
    return model


def numpy_model_init(name: str, kwargs: dict) -> dict:
    """Returns the ``weights`` and ``gradients`` of a freshly built numpy model ``name(**kwargs)``."""
    model = target(name)(**kwargs)
    return {"weights": dict(model.weights), "gradients": dict(model.gradients)}


def numpy_model_forward(name: str, kwargs: dict, X: np.ndarray, y: np.ndarray, mode: str = "train",
                        weights: dict | None = None) -> dict:
    """Builds numpy model ``name(**kwargs)``, sets ``weights`` (some or all), runs ``forward(X, y, mode)``.

    Returns ``{"loss", "accuracy", "gradients", "weights", "X_after", "y_after"}`` after the call.
    """
    model = _numpy_model(name, kwargs, weights)
    loss, accuracy = model.forward(X, y, mode=mode)
    return {"loss": loss, "accuracy": accuracy, "gradients": dict(model.gradients), "weights": dict(model.weights),
            "X_after": X, "y_after": y}


def numpy_model_passes(name: str, kwargs: dict, calls: list, weights: dict | None = None) -> list:
    """Builds numpy model ``name(**kwargs)`` (with ``weights``) and runs ``forward(X, y, mode)`` for each
    ``[X, y, mode]`` of ``calls`` on that one model. Returns, per call, ``{"loss", "accuracy", "gradients"}``, the
    gradients copied right after the call."""
    model = _numpy_model(name, kwargs, weights)
    out = []
    for X, y, mode in calls:
        loss, accuracy = model.forward(X, y, mode=mode)
        out.append({"loss": loss, "accuracy": accuracy, "gradients": copy.deepcopy(dict(model.gradients))})
    return out


def numpy_model_losses_at(name: str, kwargs: dict, X: np.ndarray, y: np.ndarray, weights: dict,
                          perturbations: list) -> list:
    """Returns the loss of numpy model ``name(**kwargs)`` at each perturbation of ``weights``.

    Each perturbation is ``[key, flat_index, delta]``: a freshly built model gets
    ``weights`` (float64 copies) with entry ``flat_index`` (C order) of
    ``weights[key]`` moved by ``delta``, and the loss is
    ``forward(X, y, mode="train")[0]`` on copies of X and y.
    """
    losses = []
    for p in perturbations:
        model = _numpy_model(name, kwargs, perturbed(weights, p))
        losses.append(model.forward(np.array(X), np.array(y), mode="train")[0])
    return losses


def numpy_model_predict(name: str, kwargs: dict, X: np.ndarray, weights: dict | None = None) -> Any:
    """Returns ``predict(X)`` of numpy model ``name(**kwargs)`` with the given ``weights``."""
    return _numpy_model(name, kwargs, weights).predict(X)


def numpy_model_predict_keeping_inputs(name: str, kwargs: dict, X: np.ndarray, weights: dict | None = None) -> dict:
    """Returns ``{"labels", "X_after", "weights_after"}``: ``predict(X)`` of numpy model ``name(**kwargs)`` with the
    given ``weights``, then ``X`` and the model's weights after the call."""
    model = _numpy_model(name, kwargs, weights)
    labels = model.predict(X)
    return {"labels": labels, "X_after": X, "weights_after": dict(model.weights)}


def numpy_sgd_steps(kwargs: dict, weights: dict, gradients: list[dict], regularize_only: bool = False) -> list:
    """Runs ``NumpySGD(**kwargs)`` on a bare model holding ``weights``, one call per entry of ``gradients``.

    Before each call the model's ``gradients`` are set to that entry (as a
    model's forward pass would); the call is ``update(model)``, or
    ``apply_regularization(model)`` when ``regularize_only``. Returns, per call,
    ``{"weights", "gradients"}`` afterwards.
    """
    optimizer = target("optimizers.numpy_sgd:NumpySGD")(**kwargs)
    model = SimpleNamespace(weights={k: np.array(v, dtype=np.float64) for k, v in weights.items()}, gradients={})
    states = []
    for grads in gradients:
        model.gradients = {k: np.array(v, dtype=np.float64) for k, v in grads.items()}
        if regularize_only:
            optimizer.apply_regularization(model)
        else:
            optimizer.update(model)
        states.append({"weights": copy.deepcopy(model.weights), "gradients": copy.deepcopy(model.gradients)})
    return states


# ---- training loops --------------------------------------------------------------------------------

class RecordingNumpyModel:
    """A numpy linear softmax classifier, scores = X @ W + b, that records every ``forward`` call."""

    def __init__(self, W: np.ndarray, b: np.ndarray):
        self.weights = {"W": np.array(W, dtype=np.float64), "b": np.array(b, dtype=np.float64)}
        self.gradients = {k: np.zeros_like(v) for k, v in self.weights.items()}
        self.calls: list[dict] = []

    def _scores(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X) @ self.weights["W"] + self.weights["b"]

    def forward(self, X: np.ndarray, y: np.ndarray, mode: str = "train") -> tuple[float, float]:
        self.calls.append({"X": np.array(X), "y": np.array(y), "mode": str(mode),
                           "weights": copy.deepcopy(self.weights)})
        scores = self._scores(X)
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        n = len(y)
        loss = -float(np.mean(log_probs[np.arange(n), y]))
        if mode == "train":
            dscores = np.exp(log_probs)
            dscores[np.arange(n), y] -= 1.0
            dscores /= n
            self.gradients = {"W": np.asarray(X).T @ dscores, "b": dscores.sum(axis=0)}
        return loss, float(np.mean(scores.argmax(axis=1) == y))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self._scores(X).argmax(axis=1)


class PlainNumpySGD:
    """``w -= lr * grad`` for every key; with ``scale``, every gradient in ``model.gradients`` is first multiplied by
    it in place, as gradient clipping does (an update that changes the gradients it steps with)."""

    def __init__(self, lr: float, scale: float = 1.0):
        self.lr, self.scale = lr, scale

    def update(self, model: Any) -> None:
        for grad in model.gradients.values():
            grad *= self.scale
        for key in model.weights:
            model.weights[key] = model.weights[key] - self.lr * model.gradients[key]


class PlainTorchSGD:
    """``p -= lr * p.grad`` for every parameter with a gradient; ``zero_grad`` sets the gradients to None.

    With ``scale`` the step first multiplies every ``p.grad`` by it in place, as gradient clipping does: an
    optimizer that changes the gradients it steps with.
    """

    def __init__(self, params: Any, lr: float, scale: float = 1.0):
        self.params, self.lr, self.scale = list(params), lr, scale

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for p in self.params:
            if p.grad is not None:
                p.grad.mul_(self.scale)
                p -= self.lr * p.grad


class RecordingLinear(nn.Module):
    """A linear torch classifier that records every forward call: input, mode, grad mode, parameters."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray):
        super().__init__()
        self.linear = nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            self.linear.weight.copy_(torch.as_tensor(weight))
            self.linear.bias.copy_(torch.as_tensor(bias))
        self.calls: list[dict] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append({"x": x.detach().cpu().numpy().copy(), "training": self.training,
                           "grad_enabled": torch.is_grad_enabled(),
                           "params": {k: v.detach().cpu().numpy().copy() for k, v in self.named_parameters()}})
        return self.linear(x)


def _history(result: Any) -> dict:
    return {**{name: list(getattr(result, name)) for name in HISTORY_LISTS}, "grad_l1": dict(result.grad_l1)}


def train_numpy_recorded(W: np.ndarray, b: np.ndarray, data: list, epochs: int, batch_size: int, lr: float,
                         seed: int = 0, scale: float = 1.0) -> dict:
    """Runs the implementation's ``train_numpy`` on a ``RecordingNumpyModel`` with plain SGD (``PlainNumpySGD(lr,
    scale)``: the update multiplies every gradient by ``scale`` first).

    Returns ``{"history", "calls", "final"}``: the History as a dict, every
    forward call (``X``, ``y``, ``mode``, ``weights`` at the call) and the
    final weights.
    """
    model = RecordingNumpyModel(W, b)
    result = target("utils.train:train_numpy")(model, PlainNumpySGD(lr, scale), tuple(data), epochs, batch_size,
                                               seed=seed)
    return {"history": _history(result), "calls": model.calls, "final": model.weights}


def train_torch_recorded(weight: np.ndarray, bias: np.ndarray, data: list, epochs: int, batch_size: int,
                         lr: float, seed: int = 0, device: str = "cpu", progress: bool = False,
                         start_in_eval: bool = False, scale: float = 1.0, stale_grads: bool = False) -> dict:
    """Runs the implementation's ``train_torch`` on a ``RecordingLinear`` with ``PlainTorchSGD(lr, scale)``
    and ``torch.nn.functional.cross_entropy``.

    Returns ``{"history", "calls", "final", "stderr"}``: the History as a dict,
    every forward call (``x``, ``training``, ``grad_enabled``, ``params``), the
    final parameters by name, and what the loop wrote to stderr. ``start_in_eval``:
    the model is handed over in eval mode; ``stale_grads``: with every ``.grad``
    left over from earlier work (ones).
    """
    import contextlib
    import io

    model = RecordingLinear(weight, bias)
    if start_in_eval:
        model.eval()
    if stale_grads:
        for p in model.parameters():
            p.grad = torch.ones_like(p)
    optimizer = PlainTorchSGD(model.parameters(), lr, scale)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        result = target("utils.train:train_torch")(model, optimizer, nn.functional.cross_entropy, tuple(data),
                                                   epochs, batch_size, seed=seed, device=device, progress=progress)
    final = {k: v.detach().cpu().numpy() for k, v in model.named_parameters()}
    return {"history": _history(result), "calls": model.calls, "final": final, "stderr": stderr.getvalue()}


def predict_recorded(weight: np.ndarray, bias: np.ndarray, X: np.ndarray, batch_size: int, train_mode: bool) -> dict:
    """Runs the implementation's ``predict`` on a ``RecordingLinear`` left in train mode or eval mode.

    Returns ``{"labels", "calls", "training_after"}``.
    """
    model = RecordingLinear(weight, bias)
    model.train(train_mode)
    labels = target("utils.train:predict")(model, X, batch_size=batch_size, device="cpu")
    return {"labels": labels, "calls": model.calls, "training_after": model.training}


def predict_numpy_model(W: np.ndarray, b: np.ndarray, X: np.ndarray) -> Any:
    """Returns the implementation's ``predict`` of a ``RecordingNumpyModel`` (a numpy model) on ``X``."""
    return target("utils.train:predict")(RecordingNumpyModel(W, b), X)
