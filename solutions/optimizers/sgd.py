"""Stochastic gradient descent with momentum and L2 weight decay, written without torch.optim.

One step, for every parameter p whose gradient is set:

    g = p.grad + weight_decay * p
    m = momentum * m + g          (m starts at 0, one buffer per parameter)
    p = p - lr * m

This is ``torch.optim.SGD(params, lr, momentum, weight_decay=weight_decay,
dampening=0, nesterov=False)`` step for step.
"""
from __future__ import annotations

from typing import Iterable

import torch


class SGD:
    """SGD over a list of tensors; ``step()`` updates them in place, ``zero_grad()`` clears their gradients.

    params: an iterable of tensors (``model.parameters()`` is a generator: it is
    read once, here). lr: the learning rate; momentum: the factor of the momentum
    buffer (0 for plain SGD); weight_decay: the L2 factor added to the gradient
    before the momentum buffer.

    In a training loop it behaves as torch.optim.SGD, also when the gradients
    add up over several backward passes without zero_grad() (backward adds into
    the same ``.grad`` tensors): a momentum buffer is the optimizer's own tensor,
    never a ``.grad``.
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        # BEGIN SOLUTION one momentum buffer per parameter, starting at zero
        self.buffers = [torch.zeros_like(p) for p in self.params]
        # END SOLUTION

    def step(self) -> None:
        """Returns None; updates every parameter whose ``.grad`` is not None, in place.

        Runs under ``torch.no_grad()``. A parameter whose grad is None is skipped:
        neither it nor its momentum buffer changes. ``.grad`` is only read.
        """
        # BEGIN SOLUTION work under torch.no_grad() and never write to p.grad
        with torch.no_grad():
            for p, m in zip(self.params, self.buffers):
                if p.grad is None:
                    continue
                g = p.grad + self.weight_decay * p
                m.mul_(self.momentum).add_(g)
                p.sub_(self.lr * m)
        # END SOLUTION

    def zero_grad(self) -> None:
        """Returns None; sets the gradient of every parameter to None, and touches nothing else (the momentum
        buffers stay as they are)."""
        # BEGIN SOLUTION
        for p in self.params:
            p.grad = None
        # END SOLUTION
