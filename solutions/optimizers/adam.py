"""Adam, written without torch.optim, and the bias-corrected moving average it is built on.

One step, for every parameter p whose gradient is set, with t its own step count:

    g = p.grad + weight_decay * p                (L2 weight decay, coupled to the gradient)
    m = beta1 * m + (1 - beta1) * g,   m_hat = m / (1 - beta1**t)
    v = beta2 * v + (1 - beta2) * g^2, v_hat = v / (1 - beta2**t)
    p = p - lr * m_hat / (sqrt(v_hat) + eps)

This is ``torch.optim.Adam(params, lr, betas, eps, weight_decay)`` step for step.
"""
from __future__ import annotations

from typing import Iterable, Union

import numpy as np
import torch

Value = Union[float, np.ndarray, torch.Tensor]


def ema_update(x_t: Value, beta: float, t: int, ema_star_old: Value) -> tuple[Value, Value]:
    """Returns ``(ema, ema_star_t)``: the bias-corrected and the raw exponential moving average after ``x_t``.

    ``ema_star_t = beta * ema_star_old + (1 - beta) * x_t`` and
    ``ema = ema_star_t / (1 - beta**t)``, where ``t >= 1`` counts the values
    averaged so far (``x_t`` included) and the average starts at 0.
    x_t and ema_star_old: numbers, arrays or tensors of one shape. Raises
    ValueError for ``t < 1``.
    """
    # BEGIN SOLUTION
    if t < 1:
        raise ValueError(f"t counts the values averaged so far and starts at 1, got t = {t}")
    ema_star_t = beta * ema_star_old + (1 - beta) * x_t
    return ema_star_t / (1 - beta ** t), ema_star_t
    # END SOLUTION


class Adam:
    """Adam over a list of tensors; ``step()`` updates them in place, ``zero_grad()`` clears their gradients.

    params: an iterable of tensors (read once, here). lr: the learning rate;
    betas: the factors (beta1, beta2) of the first and second moment averages;
    eps: added to sqrt(v_hat), outside the square root; weight_decay: the L2
    factor added to the gradient (not decoupled as in AdamW).

    In a training loop it behaves as torch.optim.Adam, also when the gradients
    add up over several backward passes without zero_grad() (backward adds into
    the same ``.grad`` tensors): the moments are the optimizer's own tensors.
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0):
        self.params = list(params)
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.weight_decay = weight_decay
        # BEGIN SOLUTION per parameter: its own moments and its own step count
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = [0 for _ in self.params]
        # END SOLUTION

    def step(self) -> None:
        """Returns None; updates every parameter whose ``.grad`` is not None, in place.

        Runs under ``torch.no_grad()``. A parameter whose grad is None is skipped:
        its value, moments and step count stay as they are. ``.grad`` is only read.
        """
        # BEGIN SOLUTION use ema_update for both moments
        with torch.no_grad():
            for i, p in enumerate(self.params):
                if p.grad is None:
                    continue
                g = p.grad + self.weight_decay * p
                self.t[i] += 1
                m_hat, self.m[i] = ema_update(g, self.beta1, self.t[i], self.m[i])
                v_hat, self.v[i] = ema_update(g * g, self.beta2, self.t[i], self.v[i])
                p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))
        # END SOLUTION

    def zero_grad(self) -> None:
        """Returns None; sets the gradient of every parameter to None, and touches nothing else (the moments and
        step counts stay as they are)."""
        # BEGIN SOLUTION
        for p in self.params:
            p.grad = None
        # END SOLUTION
