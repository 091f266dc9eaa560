"""Probes for the torch optimizers of the implementation: run steps on given gradients, report the parameters."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch

from grader.testkit.probes.generic import target

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


def _setup(name: str, params: list[np.ndarray], kwargs: dict | None):
    """Returns the parameters as leaf tensors that require grad, and optimizer ``name`` over them.

    The optimizer receives a generator, as ``model.parameters()`` is one.
    """
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    optimizer = target(name)((t for t in tensors), **(kwargs or {}))
    return tensors, optimizer


def _set_grads(tensors: list[torch.Tensor], grads: list[np.ndarray | None]) -> None:
    for t, g in zip(tensors, grads):
        t.grad = None if g is None else torch.tensor(g)


def trajectory(name: str, params: list[np.ndarray], grads: list[list[np.ndarray | None]],
               kwargs: dict | None = None) -> dict:
    """Builds optimizer ``name`` over ``params`` and runs one ``step()`` per entry of ``grads``.

    Before step k, parameter i's ``.grad`` is set to ``grads[k][i]`` (None: no
    gradient). Returns ``{"params", "grads"}``: for every step, the list of the
    parameters after it, and the list of their ``.grad`` after it (None where unset).
    """
    tensors, optimizer = _setup(name, params, kwargs)
    values, grads_after = [], []
    for step_grads in grads:
        _set_grads(tensors, step_grads)
        optimizer.step()
        values.append([t.detach().clone() for t in tensors])
        grads_after.append([None if t.grad is None else t.grad.detach().clone() for t in tensors])
    return {"params": values, "grads": grads_after}


def zero_grad(name: str, params: list[np.ndarray], grads: list[np.ndarray | None], kwargs: dict | None = None) -> dict:
    """Builds optimizer ``name``, sets the gradients to ``grads``, calls ``zero_grad()``.

    Returns ``{"grad_is_none": [bool per parameter], "params": [the parameters afterwards]}``.
    """
    tensors, optimizer = _setup(name, params, kwargs)
    _set_grads(tensors, grads)
    optimizer.zero_grad()
    return {"grad_is_none": [t.grad is None for t in tensors], "params": [t.detach().clone() for t in tensors]}


def training_loop(make_optimizer: Callable[[Any], Any], params: list[np.ndarray],
                  targets: list[list[np.ndarray | None]], zero_grad: bool = True) -> dict:
    """Runs a real training loop over leaf tensors holding ``params``: ``make_optimizer(tensors)`` builds the
    optimizer (given a generator), then per step ``zero_grad()`` (only when ``zero_grad``), the loss
    ``sum_i 0.5 * ||p_i - targets[k][i]||^2`` over the parameters with a target (not None) at step k, ``backward()``
    and ``step()``.

    Without ``zero_grad`` the gradients add up across steps in the same ``.grad`` tensors, as torch does; a
    parameter without a target at a step keeps the ``.grad`` it had (None after zero_grad). Returns
    ``{"params", "grads"}``: per step, the parameters and their ``.grad`` after the step (None where unset).
    Trusted code: the tests run it with ``torch.optim`` as the oracle.
    """
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    optimizer = make_optimizer(t for t in tensors)
    values, grads = [], []
    for step_targets in targets:
        if zero_grad:
            optimizer.zero_grad()
        terms = [0.5 * ((t - torch.tensor(g)) ** 2).sum() for t, g in zip(tensors, step_targets) if g is not None]
        torch.stack(terms).sum().backward()
        optimizer.step()
        values.append([t.detach().clone() for t in tensors])
        grads.append([None if t.grad is None else t.grad.detach().clone() for t in tensors])
    return {"params": values, "grads": grads}


def loop(name: str, params: list[np.ndarray], targets: list[list[np.ndarray | None]], kwargs: dict | None = None,
         zero_grad: bool = True) -> dict:
    """Returns ``training_loop`` run with optimizer ``name(params, **kwargs)`` of the implementation."""
    return training_loop(lambda tensors: target(name)(tensors, **(kwargs or {})), params, targets, zero_grad)
