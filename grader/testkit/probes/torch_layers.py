"""Probes for the torch layers that need more than one forward pass or a module built by the grader."""
from __future__ import annotations

import numpy as np
import torch

from grader.testkit.probes.generic import shared_memory, target
from grader.testkit.probes.torch_modules import backward, build, load_state

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


def train_then_eval(name: str, batches: list, eval_x: np.ndarray, args: list | None = None,
                    kwargs: dict | None = None, state: dict | None = None, seed: int = 0) -> dict:
    """Builds module ``name``, runs it in train mode on each batch in turn, then in eval mode on ``eval_x``.

    Returns ``{"train_outs", "buffers_after_train", "eval_out", "buffers_after_eval"}``:
    the output of every training batch, the buffers by name after training, the
    eval-mode output and the buffers by name after the eval pass.
    """
    module = build(name, args, kwargs, seed)
    load_state(module, state)
    module.train()
    with torch.no_grad():
        train_outs = [module(torch.tensor(x)) for x in batches]
        after_train = {k: b.clone() for k, b in module.named_buffers()}
        module.eval()
        eval_out = module(torch.tensor(eval_x))
    return {"train_outs": train_outs, "buffers_after_train": after_train, "eval_out": eval_out,
            "buffers_after_eval": dict(module.named_buffers())}


def state_dict_shapes(name: str, args: list | None = None, kwargs: dict | None = None) -> dict:
    """Returns the shape of every entry of module ``name``'s state_dict, by key."""
    return {k: list(v.shape) for k, v in build(name, args, kwargs).state_dict().items()}


def residual_around_linear(name: str, x: np.ndarray, weight: np.ndarray, bias: np.ndarray,
                           dout: np.ndarray) -> dict:
    """Wraps an nn.Linear holding ``weight`` (out, in) and ``bias`` in module ``name`` (``Residual``).

    Runs it on ``x`` and back with ``dout``; returns ``{"out", "dx"}``.
    """
    linear = torch.nn.Linear(weight.shape[1], weight.shape[0], dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(weight))
        linear.bias.copy_(torch.tensor(bias))
    module = target(name)(linear)
    xt = torch.tensor(x, requires_grad=True)
    out = module(xt)
    backward(out, dout)
    return {"out": out, "dx": xt.grad}


def train_backward_then_eval(name: str, batches: list, douts: list, eval_x: np.ndarray, eval_dout: np.ndarray,
                             args: list | None = None, kwargs: dict | None = None, seed: int = 0) -> dict:
    """Builds module ``name`` and trains it as a loop would: in train mode, a forward and a backward pass (upstream
    gradient ``douts[k]``) on each batch in turn; then one forward and backward pass in eval mode on ``eval_x``.

    Returns ``{"buffers_require_grad", "buffers_have_history", "eval_out", "eval_dx"}``: per buffer name, whether
    it requires grad and whether it has an autograd history (``grad_fn``) after training; the eval-mode output and
    the gradient of ``sum(eval_dout * out)`` with respect to ``eval_x``.
    """
    module = build(name, args, kwargs, seed)
    module.train()
    for x, dout in zip(batches, douts):
        backward(module(torch.tensor(x, requires_grad=True)), dout)
    buffers = dict(module.named_buffers())
    flags = {"buffers_require_grad": {k: b.requires_grad for k, b in buffers.items()},
             "buffers_have_history": {k: b.grad_fn is not None for k, b in buffers.items()}}
    module.eval()
    xt = torch.tensor(eval_x, requires_grad=True)
    out = module(xt)
    backward(out, eval_dout)
    return {**flags, "eval_out": out, "eval_dx": xt.grad}


def residual_around_identity(name: str, x: np.ndarray, dout: np.ndarray) -> dict:
    """Wraps ``nn.Identity()``, which returns its input itself, in module ``name`` (``Residual``).

    Runs it on ``x`` twice: without gradients, then on a leaf that requires grad, backward with ``dout``. Returns
    ``{"out", "x_after", "shared", "dx"}``: the first output, the first input after the call, which inputs the
    output shares memory with (``"out ~ x"``), and the gradient with respect to the second input.
    """
    module = target(name)(torch.nn.Identity())
    xt = torch.tensor(x)
    out = module(xt)
    shared = shared_memory({"out": out}, {"x": xt})
    x_grad = torch.tensor(x, requires_grad=True)
    backward(module(x_grad), dout)
    return {"out": out, "x_after": xt, "shared": shared, "dx": x_grad.grad}
