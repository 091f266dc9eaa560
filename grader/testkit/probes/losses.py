"""Probes for losses and gradient checking: a loss at many points, torch losses, utils.gradcheck."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from grader.testkit.probes.generic import laid_out, perturbed, target

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


def losses_at(name: str, args: list, perturbations: list) -> list:
    """Returns the loss ``name(*args)[0]`` for each perturbation of the arguments.

    Each perturbation is ``[arg_index, flat_index, delta]``: the call gets a
    float64 copy of ``args[arg_index]`` with entry ``flat_index`` (C order)
    moved by ``delta``, and copies of the other arguments.
    """
    fn = target(name)
    return [fn(*perturbed(args, p))[0] for p in perturbations]


def torch_loss(name: str, inputs: list, grad_of: list[int] | None = None) -> dict:
    """Calls the torch loss ``name`` on tensors made from ``inputs`` and back-propagates from it.

    Returns ``{"loss", "shape", "grads"}``: the value, its shape as a list (a
    scalar has ``[]``), and the gradient with respect to each input listed in
    ``grad_of`` (default: the first), None where autograd gave none.
    """
    grad_of = [0] if grad_of is None else grad_of
    tensors = [torch.tensor(a, requires_grad=k in grad_of) for k, a in enumerate(inputs)]
    loss = target(name)(*tensors)
    loss.sum().backward()
    return {"loss": loss, "shape": list(loss.shape), "grads": [tensors[k].grad for k in grad_of]}


def _sum_of_cubes(x: np.ndarray) -> float:
    return float(np.sum(x ** 3))


def _sum_of_exp10(x: np.ndarray) -> float:
    return float(np.sum(np.exp(10.0 * x)))


def _square(x: np.ndarray) -> np.ndarray:
    return x ** 2


def _flat_view(x: np.ndarray) -> np.ndarray:
    return x.reshape(-1)


FUNCTIONS = {"sum_of_cubes": _sum_of_cubes, "sum_of_exp10": _sum_of_exp10, "square": _square,
             "flat_view": _flat_view}


def numerical_gradient_of(function: str, x: np.ndarray, df: np.ndarray | None = None,
                          h: float | None = None, layout: str = "C", closure: bool = False) -> dict[str, Any]:
    """Runs ``utils.gradcheck.numerical_gradient`` on one of ``FUNCTIONS`` at ``x``.

    ``df`` and ``h`` are passed only when given. The x handed over is laid out
    in memory as ``layout`` says (equal values; ``"F"``: transposed, see
    ``generic.laid_out``); with ``closure`` the function ignores its
    argument and reads that x through a closure, as CS231n's gradient checks
    do (``lambda _: net.loss(X, y)``). Returns ``{"grad", "x_after"}``: the
    result and ``x`` after the call.
    """
    kwargs: dict[str, Any] = {}
    if df is not None:
        kwargs["df"] = df
    if h is not None:
        kwargs["h"] = h
    x = laid_out(x, layout)
    f = FUNCTIONS[function]
    grad = target("utils.gradcheck:numerical_gradient")((lambda _: f(x)) if closure else f, x, **kwargs)
    return {"grad": grad, "x_after": x}
