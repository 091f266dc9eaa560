"""Helpers shared by hidden test files: numeric gradients, checks beyond one call (new arrays, a repeated backward,
non-contiguous inputs, global random states, state across passes and real training loops), torch activation
oracles, optimizer trajectories, MLP and CNN references."""
import numpy as np
import torch

from grader.testkit import checks
from grader.testkit.probes.generic import build_keeping_global_rngs
from grader.testkit.probes.losses import losses_at
from grader.testkit.probes.numpy_layers import forward_backward_twice, outputs_at
from grader.testkit.probes.optim import loop, training_loop
from grader.testkit.probes.training import numpy_model_forward, numpy_model_losses_at, numpy_model_passes
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


# ---- every numpy layer: beyond one call on fresh contiguous input ----
def check_layer_calls(impl, module, name, args, dout, kwargs=None, what=None):
    """Checks SPEC's promises on numpy layer ``name`` beyond one call on fresh contiguous input.

    Every array the forward and the backward pass return is new (shares no
    memory with an argument, dout or another returned array); a second backward
    from the same cache, after the caller wrote into the first gradients, gives
    them again (backward only reads its cache); and the same arguments laid out
    non-contiguously (transposed or sliced views) give the same results.
    """
    what = what or name
    got = impl.probe(forward_backward_twice, module, name, args, dout, kwargs)
    assert not got["shared"], (
        f"{what}: {got['shared'][0]} share memory: every array a layer returns must be a new one (return x.copy() "
        "where the layer is the identity, never an argument or a view of one)")
    grads = got["grads"]
    assert isinstance(got["grads_again"], list) and len(got["grads_again"]) == len(grads), \
        f"{what}: {name}_backward returned a different number of gradients on a second call"
    for i, (first, again) in enumerate(zip(grads, got["grads_again"])):
        checks.close(again, checks.array(first, f"gradient {i} of {name}_backward", kind="fiu"),
                     f"gradient {i} of a second {name}_backward from the same cache", tol=1e-12, reveal=False,
                     hint="backward must only read its cache: compute into new arrays (no +=, *= or [...] = on a "
                          "cached array), and return arrays the cache does not hold")
    transposed = impl.probe(forward_backward_twice, module, name, args, dout, kwargs, layout="F")
    for label, got_value, value in [("the output", transposed["out"], got["out"]),
                                    *[(f"value {i + 2} of {name}_forward", a, b)
                                      for i, (a, b) in enumerate(zip(transposed["extra"], got["extra"]))],
                                    *[(f"gradient {i}", a, b)
                                      for i, (a, b) in enumerate(zip(transposed["grads"], grads))]]:
        checks.close(got_value, checks.array(value, label, kind="fiu"),
                     f"{what}: {label} for non-contiguous (transposed) inputs", tol=1e-9, reveal=False,
                     hint="inputs may be views with any strides: use reshape (not x.shape = ...) and let numpy "
                          "index them; never build windows with strides computed from the shape")
    return got


# ---- every seeded function ----
GLOBAL_STATES = {"random": "Python's random module", "numpy": "numpy's global random state (np.random.*)",
                 "torch": "torch's global generator"}


def check_global_rngs_untouched(impl, name, args, kwargs=None, part=None, what=None):
    """Checks that ``name(*args, **kwargs)``, given a seed, leaves Python's, numpy's and torch's global random
    states as they were (SPEC: a seeded function draws from its own generator only); returns its result (item or
    attribute ``part``, see ``build_keeping_global_rngs``)."""
    got = impl.probe(build_keeping_global_rngs, name, args, kwargs, part)
    changed = got.get("changed") if isinstance(got, dict) else None
    assert isinstance(changed, list), f"{what or name}: the probe returned no result"
    assert not changed, (
        f"{what or name} changed {GLOBAL_STATES.get(changed[0], changed[0])}\n  hint: with a seed, draw from a "
        "generator of your own (np.random.default_rng(seed)); never seed or draw from the global state")
    return got["out"]


# ---- models/softmax_regression.py and models/two_layer_net.py ----
def check_gradients_of_the_last_pass(impl, name, kwargs, weights, first, second, what):
    """Checks that one numpy model run on batch ``first`` then on batch ``second`` (``(X, y)``, train mode), then
    evaluated on ``first`` (mode "valid"), holds the gradients a fresh model computes on ``second`` alone."""
    calls = [[*first, "train"], [*second, "train"], [*first, "valid"]]
    got = impl.probe(numpy_model_passes, name, kwargs, calls, weights)
    assert isinstance(got, list) and len(got) == 3, f"{what}: the probe returned no result"
    fresh = impl.probe(numpy_model_forward, name, kwargs, *second, weights=weights)["gradients"]
    for k, when in ((1, "after a second training pass"), (2, "after a second training pass and an evaluation")):
        for key, value in fresh.items():
            checks.close(got[k]["gradients"].get(key), value, f"{what}: gradients[{key!r}] {when}", reveal=False,
                         hint="store the gradients of this pass (self.gradients[key] = dW), never add them to the "
                              "last pass's (+=); a mode other than 'train' leaves them alone")


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


def check_training_loop(impl, name, oracle, kwargs, zero_grad, what):
    """Runs optimizer ``name`` in a real training loop (``probes.optim.training_loop``: per step zero_grad() when
    ``zero_grad``, else gradients added up in the same .grad tensors, then backward and step()) on a drawn problem
    whose parameter 3 gets no gradient at some steps, and compares every step with torch.optim class ``oracle``."""
    params, targets = draw_problem(6, 8, none_steps={2, 5})
    got = impl.probe(loop, name, params, targets, kwargs, zero_grad=zero_grad)
    expected = training_loop(lambda tensors: oracle(tensors, **kwargs), params, targets, zero_grad)
    hint = ("zero_grad() sets the gradients to None and touches nothing else (momentum buffers, moments and step "
            "counts stay)" if zero_grad else
            "without zero_grad() backward adds into the same .grad tensors: keep state in tensors of your own "
            "(torch.zeros_like(p), or g.clone()), never a reference to p.grad")
    assert isinstance(got, dict) and isinstance(got.get("params"), list), f"{what}: the probe returned no result"
    check_trajectory(got["params"], [[t.numpy() for t in step] for step in expected["params"]], what, hint=hint)


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
