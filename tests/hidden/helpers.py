"""Helpers shared by hidden test files: numeric gradients, torch activation oracles, optimizer trajectories,
MLP and CNN references."""
import numpy as np
import torch

from grader.testkit import checks
from grader.testkit.probes.losses import losses_at
from grader.testkit.probes.numpy_layers import outputs_at
from grader.testkit.probes.training import numpy_model_losses_at
from tests.hidden.strategies import gaussian


# ---- numeric gradients: the worker evaluates the implementation, the centered differences are taken here ----
H = 1e-5


def centered_differences(values_at, values, wrt, h=H):
    """Returns [d value / d values[key] for key in wrt] by centered differences.

    values: the point (a list of arguments or a dict of weights); ``values_at``
    takes a list of perturbations ``[key, flat_index, delta]`` (+h and -h for
    every entry of every ``values[key]``, key in ``wrt``) and returns the
    scalar value at each, in one probe call.
    """
    perturbations = [[key, i, delta] for key in wrt for i in range(np.size(values[key])) for delta in (h, -h)]
    got = values_at(perturbations)
    assert isinstance(got, list) and len(got) == len(perturbations), \
        f"the probe returned {type(got).__name__} instead of one value per perturbation"
    grads, start = [], 0
    for key in wrt:
        shape = np.shape(values[key])
        n = 2 * int(np.prod(shape))
        pairs = np.array(got[start:start + n], dtype=np.float64).reshape(-1, 2)
        grads.append(((pairs[:, 0] - pairs[:, 1]) / (2 * h)).reshape(shape))
        start += n
    return grads


def numeric_layer_gradients(impl, module, name, args, dout, wrt, kwargs=None):
    """Returns, per argument index in ``wrt``, the numeric gradient of sum(dout * name_forward(*args, **kwargs)[0]).

    The worker only runs ``name_forward`` at the perturbed arguments; dout never leaves this process.
    """
    dout = np.asarray(dout, dtype=np.float64)

    def values_at(perturbations):
        outs = impl.probe(outputs_at, module, name, args, kwargs, perturbations)
        assert isinstance(outs, list), f"{name}_forward: the probe returned {type(outs).__name__}"
        return [float(np.sum(dout * checks.array(out, f"the output of {name}_forward", shape=dout.shape)))
                for out in outs]

    return centered_differences(values_at, args, wrt)


def numeric_loss_gradient(impl, name, args, wrt=0):
    """Returns the numeric gradient of the loss ``name(*args)[0]`` with respect to ``args[wrt]``."""
    def values_at(perturbations):
        losses = impl.probe(losses_at, name, args, perturbations)
        assert isinstance(losses, list), f"{name}: the probe returned {type(losses).__name__}"
        return [checks.number(loss, f"the loss of {name}") for loss in losses]

    return centered_differences(values_at, args, [wrt])[0]


def numeric_model_gradients(impl, name, kwargs, X, y, weights):
    """Returns, per key of ``weights``, the numeric gradient of the loss ``forward(X, y, mode="train")[0]`` of
    numpy model ``name(**kwargs)`` holding ``weights``."""
    keys = list(weights)

    def values_at(perturbations):
        losses = impl.probe(numpy_model_losses_at, name, kwargs, X, y, weights, perturbations)
        assert isinstance(losses, list), f"{name}: the probe returned {type(losses).__name__}"
        return [checks.number(loss, "the loss of forward(X, y)") for loss in losses]

    return dict(zip(keys, centered_differences(values_at, weights, keys)))


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
    a = np.array(a, dtype=np.float64)
    axes = (0,) + tuple(range(2, a.ndim))
    return (a - a.mean(axis=axes, keepdims=True)) / np.sqrt(a.var(axis=axes, keepdims=True) + 1e-5)


def inputs(seed, *shape):
    return gaussian(seed, *shape).astype(np.float32)


def check_float32_trajectory(got_params, expected, state: str) -> None:
    """Checks every parameter of a float32 trajectory: still float32 after each step, and close to torch's.

    ``state``: what the optimizer keeps beside the parameters (moments, momentum buffers), named in the message.
    """
    for k, (got_step, exp_step) in enumerate(zip(got_params, expected)):
        for i, (g, e) in enumerate(zip(got_step, exp_step)):
            g = checks.array(g, f"parameter {i} after step {k + 1}", shape=e.shape)
            assert g.dtype == np.float32, (f"a float32 parameter became {g.dtype} after step {k + 1}; update it in "
                                           f"place (p.sub_(...)) with {state} of the parameter's dtype")
            checks.allclose(g, e, f"float32 parameter {i} after step {k + 1}", reveal=False)
