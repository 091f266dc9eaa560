"""Hidden tests of layers/linear.py: torch autograd as oracle, numeric gradients, inputs of any rank."""
import numpy as np
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward_backward
from grader.testkit.probes.torch_modules import backward
from tests.hidden.helpers import check_layer_calls, numeric_layer_gradients
from tests.hidden.strategies import gaussian, seeds

MOD = "layers.linear"


@st.composite
def linear_shapes(draw):
    """(x_shape, M): x of shape (N, d1[, d2[, d3]]) and M != D = d1 * ..., so that w of shape (D, M) is not square."""
    x_shape = (draw(st.integers(1, 5)), *draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    d = int(np.prod(x_shape[1:]))
    return x_shape, draw(st.integers(1, 6).filter(lambda m: m != d))


def linear_problem(shapes, seed):
    """Returns x, w (D, M), b and an upstream gradient dout (N, M) for drawn shapes."""
    x_shape, m = shapes
    d = int(np.prod(x_shape[1:]))
    x, w, b = gaussian(seed, *x_shape), gaussian(seed + 1, d, m), gaussian(seed + 2, m)
    return x, w, b, gaussian(seed + 3, x_shape[0], m)


def oracle(x, w, b, dout):
    """Returns (out, dx, dw, db) of x.reshape(N, -1) @ w + b by torch autograd."""
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = xt.reshape(x.shape[0], -1) @ wt + bt
    backward(out, dout)
    return out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


@weight(3)
@given(shapes=linear_shapes(), seed=seeds())
def test_linear_matches_torch_forward_and_backward(impl, shapes, seed):
    x, w, b, dout = linear_problem(shapes, seed)
    got = impl.probe(forward_backward, MOD, "linear", [x, w, b], dout)
    out, dx, dw, db = oracle(x, w, b, dout)
    what = f"linear for x of rank {x.ndim}"
    checks.close(got["out"], out, f"linear_forward {what}", reveal=False,
                 hint="flatten x to (N, D) and compute x @ w + b with w of shape (D, M)")
    if len(got["grads"]) != 3:
        raise AssertionError(f"linear_backward should return (dx, dw, db), got {len(got['grads'])} value(s)")
    checks.close(got["grads"][0], dx, f"dx of {what}", reveal=False, hint="dx = dout @ w.T, reshaped to x.shape")
    checks.close(got["grads"][1], dw, f"dw of {what}", reveal=False, hint="dw = x_flat.T @ dout, shaped like w")
    checks.close(got["grads"][2], db, f"db of {what}", reveal=False, hint="db sums dout over the batch")
    for name, before, after in zip("xwb", [x, w, b], got["args_after"]):
        checks.unchanged(before, after, f"the input {name} of linear_forward")


@weight(2)
@given(shapes=linear_shapes(), seed=seeds())
def test_linear_backward_matches_numeric_gradient(impl, shapes, seed):
    x, w, b, dout = linear_problem(shapes, seed)
    analytic = impl.probe(forward_backward, MOD, "linear", [x, w, b], dout)["grads"]
    numeric = numeric_layer_gradients(impl, MOD, "linear", [x, w, b], dout, [0, 1, 2])
    for name, a, n in zip(("dx", "dw", "db"), analytic, numeric):
        checks.close(a, n, f"{name} of linear_backward against a numeric gradient", tol=1e-6, atol=1e-8,
                     reveal=False)


@weight(1)
@given(seed=seeds(), d=st.integers(2, 5), m=st.integers(2, 5))
def test_linear_handles_a_batch_of_one(impl, seed, d, m):
    x, w, b, dout = gaussian(seed, 1, d), gaussian(seed + 1, d, m), gaussian(seed + 2, m), gaussian(seed + 3, 1, m)
    got = impl.probe(forward_backward, MOD, "linear", [x, w, b], dout)
    out, dx, dw, db = oracle(x, w, b, dout)
    checks.close(got["out"], out, "linear_forward for a batch of one", reveal=False)
    for name, g, e in zip(("dx", "dw", "db"), got["grads"], (dx, dw, db)):
        checks.close(g, e, f"{name} of linear_backward for a batch of one", reveal=False)


@weight(1)
@given(shapes=linear_shapes(), seed=seeds())
def test_linear_backward_leaves_dout_unchanged(impl, shapes, seed):
    """linear_backward does not modify its upstream gradient dout in place."""
    x, w, b, dout = linear_problem(shapes, seed)
    got = impl.probe(forward_backward, MOD, "linear", [x, w, b], dout.copy())
    checks.unchanged(dout, got["dout_after"], "the input dout of linear_backward")


@weight(1)
def test_linear_returns_new_arrays_repeats_its_backward_and_takes_any_layout(impl):
    """linear layer returns new arrays, repeats its backward and takes any memory layout.

    out, dx, dw and db are new arrays, a second backward from one cache gives them again, and transposed inputs
    give the same results."""
    x, w, b, dout = linear_problem(((3, 2, 3), 4), 5)
    check_layer_calls(impl, MOD, "linear", [x, w, b], dout, what="linear_forward/_backward")
