"""Probes for torch models of the implementation: what their linear and convolution layers see and produce.

A model is observed only through the permitted modules it must use (nn.Linear,
nn.Conv1d, nn.Conv2d): forward hooks record, call by call, their input, output
and weights, so a test can check what happens between them without knowing how
the model names or nests its submodules.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from grader.testkit.probes.generic import target
from grader.testkit.probes.torch_modules import build

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only

TRACED = (nn.Linear, nn.Conv1d, nn.Conv2d)


def _traced_in_call_order(model: nn.Module, x: torch.Tensor) -> list[nn.Module]:
    """Returns the traced modules in the order of their first call, from a pass in eval mode without gradient."""
    order: list[nn.Module] = []

    def hook(module, inputs, output):
        if all(module is not m for m in order):
            order.append(module)

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, TRACED)]
    training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
        model.train(training)
    return order


def trace(name: str, x: np.ndarray, args: list | None = None, kwargs: dict | None = None, train: bool = False,
          seed: int = 0, zero: list[int] | None = None) -> dict:
    """Builds model ``name`` (after ``torch.manual_seed(seed)``), runs it once on ``x`` and records its layers.

    ``zero`` lists layers, by their position in call order, whose weight and bias
    are set to zero first. Returns ``{"out", "calls"}``: the model's output, and
    for every call of an nn.Linear, nn.Conv1d or nn.Conv2d in order
    ``{"type", "input", "output", "weight", "bias"}`` (bias None when absent).
    """
    model = build(name, args, kwargs, seed)
    xt = torch.tensor(x)
    if zero:
        order = _traced_in_call_order(model, xt)
        with torch.no_grad():
            for k in zero:
                for p in (order[k].weight, order[k].bias):
                    if p is not None:
                        p.zero_()
    calls: list[dict[str, Any]] = []

    def hook(module, inputs, output):
        calls.append({"type": type(module).__name__, "input": inputs[0].detach().clone(),
                      "output": output.detach().clone(), "weight": module.weight.detach().clone(),
                      "bias": None if module.bias is None else module.bias.detach().clone()})

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, TRACED)]
    model.train(train)
    try:
        with torch.no_grad():
            out = model(xt)
    finally:
        for h in handles:
            h.remove()
    return {"out": out, "calls": calls}


def registry(name: str, x: np.ndarray) -> dict:
    """Returns, for every key of the dict of module classes ``name`` (ACTIVATIONS), the class name and the
    output of a default-constructed instance on ``x``: ``{key: {"class", "out"}}``."""
    return {key: {"class": cls.__name__, "out": cls()(torch.tensor(x))} for key, cls in target(name).items()}
