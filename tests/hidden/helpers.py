"""Helpers shared by hidden test files: torch activation oracles, optimizer trajectories, MLP and CNN references."""
import numpy as np
import torch

from grader.testkit import checks
from tests.hidden.strategies import gaussian


# ---- layers/activations.py ----
ORACLES = {
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.1),
    "silu": torch.nn.functional.silu,
    "gaussian": lambda t: torch.exp(-t * t),
}


# ---- optimizers/sgd.py and optimizers/adam.py ----
# two parameters of the same shape: state shared between them would go unnoticed otherwise
SHAPES = [(3,), (2, 3), (2, 3), (4, 1)]


def draw_problem(seed: int, steps: int, none_steps=frozenset(), none_param: int = 3):
    """Returns (initial parameters, per-step gradients): parameter ``none_param`` has no grad at ``none_steps``."""
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s) for s in SHAPES]
    grads = [[None if (k in none_steps and i == none_param) else rng.standard_normal(s) for i, s in enumerate(SHAPES)]
             for k in range(steps)]
    return params, grads


def torch_trajectory(optimizer_cls, params, grads, **kwargs):
    """Returns the parameters after every step of ``optimizer_cls`` (a torch.optim class) on these gradients."""
    tensors = [torch.tensor(p, requires_grad=True) for p in params]
    optimizer = optimizer_cls(tensors, **kwargs)
    out = []
    for step_grads in grads:
        for t, g in zip(tensors, step_grads):
            t.grad = None if g is None else torch.tensor(g)
        optimizer.step()
        out.append([t.detach().numpy().copy() for t in tensors])
    return out


def check_trajectory(got, expected, what, hint=""):
    """Compares every parameter after every step, 1e-6 relative (float64)."""
    assert isinstance(got, list) and len(got) == len(expected), f"{what}: expected one entry per step"
    for k, (got_step, exp_step) in enumerate(zip(got, expected)):
        for i, (g, e) in enumerate(zip(got_step, exp_step)):
            checks.close(g, e, f"{what}: parameter {i} after step {k + 1}", tol=1e-6, hint=hint, reveal=False)


# ---- models/mlp.py and models/cnn.py ----
def act(name, a):
    """Returns ORACLES[name] applied to array a, as an array."""
    return ORACLES[name](torch.tensor(a)).numpy()


def batchnorm(a):
    """Returns a (N, C, ...) normalized per channel with its batch statistics over N and the spatial axes
    (a fresh BatchNorm in training mode: weight 1, bias 0, biased variance, eps 1e-5)."""
    a = np.asarray(a, dtype=np.float64)
    axes = (0,) + tuple(range(2, a.ndim))
    return (a - a.mean(axis=axes, keepdims=True)) / np.sqrt(a.var(axis=axes, keepdims=True) + 1e-5)


def inputs(seed, *shape):
    return gaussian(seed, *shape).astype(np.float32)
