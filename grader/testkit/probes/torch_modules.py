"""Probes for torch modules of the implementation: build one, run it forward and backward."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from grader.testkit.probes.generic import laid_out, shared_memory, target

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


def build(name: str, args: list | None = None, kwargs: dict | None = None, seed: int = 0) -> torch.nn.Module:
    """Returns ``name(*args, **kwargs)`` constructed after ``torch.manual_seed(seed)``."""
    torch.manual_seed(seed)
    return target(name)(*(args or []), **(kwargs or {}))


def backward(out: torch.Tensor, dout: Any) -> None:
    """Backpropagates the upstream gradient ``dout`` (an array of ``out``'s shape) from ``out``: the gradients
    of ``out.backward(dout)``, bit for bit (the gradient of ``sum(out * dout)`` at ``out`` is ``dout`` exactly),
    without the shape check of ``backward`` with a gradient, which imports sympy (about 0.6 s a process). Raises
    RuntimeError, as ``backward`` does, when the shapes differ."""
    dout = torch.as_tensor(np.asarray(dout), dtype=out.dtype, device=out.device)
    if dout.shape != out.shape:
        raise RuntimeError(f"Mismatch in shape: the output has a shape of {tuple(out.shape)} and the gradient "
                           f"given for it a shape of {tuple(dout.shape)}")
    (out * dout).sum().backward()


def load_state(module: torch.nn.Module, state: dict[str, np.ndarray] | None) -> None:
    """Copies arrays into the module's parameters and buffers of the same names."""
    if not state:
        return
    own = dict(module.named_parameters()) | dict(module.named_buffers())
    with torch.no_grad():
        for key, value in state.items():
            own[key].copy_(torch.as_tensor(value, dtype=own[key].dtype))


def forward_backward(name: str, x: np.ndarray, dout: np.ndarray | None = None, args: list | None = None,
                     kwargs: dict | None = None, state: dict | None = None, train: bool = True,
                     seed: int = 0, steps: int = 1, layout: str = "C") -> dict:
    """Builds module ``name``, runs ``steps`` forward passes on ``x`` (and backward with ``dout``).

    The input tensor holds ``x``'s values laid out in memory as ``layout`` says
    (``"F"``: transposed, ``"channels_last"``: see ``generic.laid_out``), as
    ``torch.from_numpy`` keeps them. Returns ``{"out", "dx", "grads",
    "params", "buffers", "shared"}``: the last output, the gradient of
    ``sum(dout * out)`` with respect to ``x`` (None without ``dout``), the
    parameter gradients and the parameters and buffers after the passes, by
    name, and which of the input, parameters and buffers the output shares
    memory with (``"out ~ params['weight']"``).
    """
    module = build(name, args, kwargs, seed)
    load_state(module, state)
    module.train(train)
    out = xt = None
    for _ in range(steps):
        xt = torch.from_numpy(laid_out(np.array(x), layout))
        xt.requires_grad_(dout is not None)
        out = module(xt)
    dx = None
    if dout is not None:
        backward(out, dout)
        dx = xt.grad
    return {
        "out": out,
        "dx": dx,
        "grads": {k: p.grad for k, p in module.named_parameters() if p.grad is not None},
        "params": dict(module.named_parameters()),
        "buffers": dict(module.named_buffers()),
        "shared": shared_memory({"out": out}, {"x": xt, "params": dict(module.named_parameters()),
                                               "buffers": dict(module.named_buffers())}),
    }


def describe(name: str, args: list | None = None, kwargs: dict | None = None, input_shape: list | None = None,
             seed: int = 0) -> dict[str, Any]:
    """Returns what a model looks like: parameter shapes by name, the trainable count, and
    the output shape for a batch of zeros of ``input_shape`` (in eval mode)."""
    module = build(name, args, kwargs, seed)
    info: dict[str, Any] = {
        "param_shapes": {k: list(p.shape) for k, p in module.named_parameters()},
        "trainable": sum(p.numel() for p in module.parameters() if p.requires_grad),
        "modules": [type(m).__name__ for m in module.modules()],
    }
    if input_shape is not None:
        module.eval()
        with torch.no_grad():
            info["output_shape"] = list(module(torch.zeros(*input_shape)).shape)
    return info
