"""Public tests of the numpy activations in layers/activations.py: small inputs you can check by hand."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward, forward_backward

MOD = "layers.activations"
X = np.array([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]])
DOUT = np.array([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


EXPECTED = {
    "sigmoid": (_sigmoid(X), DOUT * _sigmoid(X) * (1 - _sigmoid(X))),
    "relu": (np.maximum(X, 0), DOUT * (X > 0)),
    "tanh": (np.tanh(X), DOUT * (1 - np.tanh(X) ** 2)),
    "leaky_relu": (np.where(X > 0, X, 0.1 * X), DOUT * np.where(X > 0, 1.0, 0.1)),
    "silu": (X * _sigmoid(X), DOUT * (_sigmoid(X) + X * _sigmoid(X) * (1 - _sigmoid(X)))),
    "gaussian": (np.exp(-X ** 2), DOUT * -2 * X * np.exp(-X ** 2)),
}


@weight(1)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_activation_forward_matches_formula(impl, name):
    """numpy activation forward matches the formula."""
    got = impl.probe(forward, MOD, name, [X])
    checks.close(got["out"], EXPECTED[name][0], f"{name}_forward(x)")


@weight(1)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_activation_backward_matches_derivative(impl, name):
    """numpy activation backward matches the derivative."""
    got = impl.probe(forward_backward, MOD, name, [X], DOUT)
    hint = "the derivative at 0 is the negative-side slope" if "relu" in name else ""
    checks.close(got["grads"][0], EXPECTED[name][1], f"{name}_backward(dout, cache)", hint=hint)


@weight(1)
@pytest.mark.parametrize("name", ["sigmoid", "silu"])
def test_sigmoid_family_is_stable_for_large_inputs(impl, name):
    """numpy sigmoid family is stable for large inputs."""
    x = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    got = impl.probe(forward, MOD, name, [x])
    out = checks.array(got["out"], f"{name}_forward(x) for |x| up to 1e4", shape=x.shape)
    expected = _sigmoid(np.clip(x, -700, 700)) * (x if name == "silu" else 1)
    checks.close(out, expected, f"{name}_forward(x) for |x| up to 1e4",
                 hint="exp(-x) overflows for x = -1e4: use exp(-|x|) and pick the formula by the sign of x")


@weight(1)
def test_leaky_relu_uses_the_given_slope(impl):
    """numpy leaky relu uses the given slope."""
    got = impl.probe(forward_backward, MOD, "leaky_relu", [X], DOUT, {"slope": 0.25})
    checks.close(got["out"], np.where(X > 0, X, 0.25 * X), "leaky_relu_forward(x, slope=0.25)")
    checks.close(got["grads"][0], DOUT * np.where(X > 0, 1.0, 0.25), "leaky_relu_backward with slope=0.25")


@weight(1)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_activation_does_not_modify_its_input(impl, name):
    """numpy activation does not modify its input."""
    got = impl.probe(forward_backward, MOD, name, [X.copy()], DOUT)
    checks.unchanged(X, got["args_after"][0], f"the input x of {name}_forward")
