"""Public tests of the torch activation modules in layers/activations.py: small inputs and float32 extremes."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.models import registry
from grader.testkit.probes.torch_modules import forward_backward

MOD = "layers.activations"
X = np.array([-2.0, -0.5, 0.0, 0.5, 3.0], dtype=np.float32)
S = 1 / (1 + np.exp(-X.astype(np.float64)))
EXPECTED = {  # module: (output, derivative)
    "Sigmoid": (S, S * (1 - S)),
    "Tanh": (np.tanh(X), 1 - np.tanh(X) ** 2),
    "ReLU": (np.maximum(X, 0), (X > 0) * 1.0),
    "LeakyReLU": (np.where(X > 0, X, 0.1 * X), np.where(X > 0, 1.0, 0.1)),
    "SiLU": (X * S, S + X * S * (1 - S)),
    "Gaussian": (np.exp(-X ** 2), -2 * X * np.exp(-X ** 2)),
}


@weight(1)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_torch_activation_matches_formula_and_derivative(impl, name):
    got = impl.probe(forward_backward, f"{MOD}:{name}", X, np.ones_like(X))
    checks.allclose(got["out"], EXPECTED[name][0], f"{name}()(x)")
    checks.allclose(got["dx"], EXPECTED[name][1], f"the gradient of {name}()(x) from autograd",
                    hint="the derivative at 0 is 1/4 for Sigmoid, 1 for Tanh; abs(x) has gradient 0 at 0")


@weight(1)
@pytest.mark.parametrize("name", ["Sigmoid", "Tanh", "SiLU"])
def test_torch_activation_gradient_is_finite_at_1e3(impl, name):
    x = np.array([-1e3, 1e3], dtype=np.float32)
    got = impl.probe(forward_backward, f"{MOD}:{name}", x, np.ones_like(x))
    expected = {"Sigmoid": [0.0, 1.0], "Tanh": [-1.0, 1.0], "SiLU": [0.0, 1e3]}[name]
    checks.allclose(got["out"], expected, f"{name}()(x) at x = -1e3 and 1e3 (float32)",
                    hint="exp(1000) is inf in float32: only exponentiate -|x| and pick the formula by the sign of x")
    checks.allclose(got["dx"], [0.0, 1.0] if name == "SiLU" else [0.0, 0.0],
                    f"the gradient of {name}()(x) at x = -1e3 and 1e3", hint="inf / inf gives NaN gradients")


@weight(1)
def test_leaky_relu_module_uses_its_slope(impl):
    """torch LeakyReLU module uses its slope."""
    got = impl.probe(forward_backward, f"{MOD}:LeakyReLU", X, np.ones_like(X), kwargs={"slope": 0.25})
    checks.allclose(got["out"], np.where(X > 0, X, 0.25 * X), "LeakyReLU(slope=0.25)(x)")
    checks.allclose(got["dx"], np.where(X > 0, 1.0, 0.25), "the gradient of LeakyReLU(slope=0.25)(x)")


@weight(1)
def test_activations_dict_names_every_module(impl):
    """torch ACTIVATIONS dict names every module."""
    got = impl.probe(registry, f"{MOD}:ACTIVATIONS", X)
    names = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU", "silu": "SiLU",
             "gaussian": "Gaussian"}
    assert sorted(got) == sorted(names), "ACTIVATIONS should have exactly the keys " + ", ".join(sorted(names))
    for key, cls in names.items():
        assert got[key]["class"] == cls, f"ACTIVATIONS[{key!r}] should be the class {cls}"
        checks.allclose(got[key]["out"], EXPECTED[cls][0], f"ACTIVATIONS[{key!r}]()(x)")
