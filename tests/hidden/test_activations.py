"""Hidden tests of the numpy activations: torch as oracle, numeric gradients, edge cases."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward_backward
from grader.testkit.probes.torch_modules import backward
from tests.hidden.helpers import ORACLES, check_layer_calls, numeric_layer_gradients
from tests.hidden.strategies import float_arrays, gaussian, seeds

MOD = "layers.activations"
def oracle(name, x, dout):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = ORACLES[name](t)
    backward(out, dout)
    return out.detach().numpy(), t.grad.numpy()


@weight(2)
@pytest.mark.parametrize("name", list(ORACLES))
@given(x=float_arrays(bound=30.0), seed=seeds())
def test_activation_matches_torch_forward_and_backward(impl, name, x, seed):
    """numpy activation forward and backward match torch's."""
    dout = gaussian(seed, *x.shape)
    got = impl.probe(forward_backward, MOD, name, [x], dout)
    out, dx = oracle(name, x, dout)
    checks.close(got["out"], out, f"{name}_forward", reveal=False)
    checks.close(got["grads"][0], dx, f"{name}_backward", reveal=False)
    checks.unchanged(x, got["args_after"][0], f"the input of {name}_forward")


@weight(2)
@pytest.mark.parametrize("name", list(ORACLES))
@given(seed=seeds())
def test_activation_backward_matches_numeric_gradient(impl, name, seed):
    """numpy activation backward matches the numeric gradient."""
    x = gaussian(seed, 3, 4, scale=2.0)
    x = np.where(np.abs(x) < 1e-3, 0.5, x)  # keep centered differences away from the kink at 0
    dout = gaussian(seed + 1, 3, 4)
    analytic = impl.probe(forward_backward, MOD, name, [x], dout)["grads"][0]
    numeric = numeric_layer_gradients(impl, MOD, name, [x], dout, [0])[0]
    checks.close(analytic, numeric, f"{name}_backward against a numeric gradient", tol=1e-6, atol=1e-8, reveal=False)


@weight(1)
@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_relu_derivative_at_zero_is_the_negative_slope(impl, name):
    """numpy relu derivative at zero is the negative-side slope."""
    x = np.zeros((2, 3))
    dout = np.ones((2, 3))
    got = impl.probe(forward_backward, MOD, name, [x], dout)
    slope = 0.1 if name == "leaky_relu" else 0.0
    checks.close(got["grads"][0], slope * dout, f"{name}_backward at x = 0", reveal=False,
                 hint="the derivative at 0 is the negative-side slope")


@weight(2)
@pytest.mark.parametrize("name", list(ORACLES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activation_is_stable_at_extreme_inputs(impl, name, dtype):
    """numpy activation is stable at extreme inputs."""
    bound = 1e4 if dtype == np.float64 else 1e3
    x = np.array([-bound, -bound / 2, -1.0, 0.0, 1.0, bound / 2, bound], dtype=dtype)
    dout = np.ones_like(x)
    got = impl.probe(forward_backward, MOD, name, [x], dout)
    out, dx = oracle(name, x.astype(np.float64), dout.astype(np.float64))
    checks.allclose(got["out"], out, f"{name}_forward at |x| = {bound:g} ({np.dtype(dtype).name})",
                    rtol=1e-5, atol=1e-6, reveal=False)
    checks.allclose(got["grads"][0], dx, f"{name}_backward at |x| = {bound:g} ({np.dtype(dtype).name})",
                    rtol=1e-5, atol=1e-6, reveal=False)


@weight(1)
@given(slope=st.floats(0.0, 0.9), x=float_arrays(max_dims=2))
def test_leaky_relu_slope_is_a_parameter(impl, slope, x):
    """numpy leaky relu slope is a parameter."""
    dout = np.ones_like(x)
    got = impl.probe(forward_backward, MOD, "leaky_relu", [x], dout, {"slope": slope})
    checks.close(got["out"], np.where(x > 0, x, slope * x), "leaky_relu_forward with a given slope", reveal=False)
    checks.close(got["grads"][0], np.where(x > 0, 1.0, slope), "leaky_relu_backward with a given slope", reveal=False)


@weight(1)
@pytest.mark.parametrize("name", list(ORACLES))
@given(x=float_arrays(bound=30.0), seed=seeds())
def test_activation_backward_leaves_dout_unchanged(impl, name, x, seed):
    """numpy activation backward leaves dout unchanged.

    Every activation's backward does not modify its upstream gradient dout in place."""
    dout = gaussian(seed, *x.shape)
    got = impl.probe(forward_backward, MOD, name, [x], dout.copy())
    checks.unchanged(dout, got["dout_after"], f"the input dout of {name}_backward")


@weight(1)
@pytest.mark.parametrize("name", list(ORACLES))
def test_activation_returns_new_arrays_repeats_its_backward_and_takes_any_layout(impl, name):
    """numpy activation returns new arrays, repeats its backward and takes any memory layout.

    The output and dx are new arrays, a second backward from one cache gives dx again, and a transposed x (and
    dout) gives the same results."""
    x = gaussian(1, 3, 4)
    x[0, :2] = 0.0
    check_layer_calls(impl, MOD, name, [x], gaussian(2, 3, 4), what=f"{name}_forward/_backward")
