"""Hidden tests of the torch activation modules and ACTIVATIONS: torch.nn.functional as oracle, float32 extremes."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.models import registry
from grader.testkit.probes.torch_modules import backward, forward_backward
from tests.hidden.helpers import ORACLES
from tests.hidden.strategies import float_arrays, gaussian, seeds

MOD = "layers.activations"
CLASSES = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU", "silu": "SiLU",
           "gaussian": "Gaussian"}


def oracle(fn, x, dout):
    """Returns fn(x) and the gradient of sum(dout * fn(x)), in x's dtype."""
    t = torch.tensor(x, requires_grad=True)
    out = fn(t)
    backward(out, dout)
    return out.detach().numpy(), t.grad.numpy()


@weight(2)
@pytest.mark.parametrize("name", list(CLASSES))
@given(x=float_arrays(bound=30.0, dtype=np.float32), seed=seeds())
def test_torch_activation_matches_its_functional_twin(impl, name, x, seed):
    dout = gaussian(seed, *x.shape).astype(np.float32)
    got = impl.probe(forward_backward, f"{MOD}:{CLASSES[name]}", x, dout)
    out, dx = oracle(ORACLES[name], x, dout)
    checks.allclose(got["out"], out, f"{CLASSES[name]}()(x)", reveal=False)
    checks.allclose(got["dx"], dx, f"the gradient of {CLASSES[name]}()(x) from autograd", reveal=False)


@weight(2)
@pytest.mark.parametrize("name", list(CLASSES))
def test_torch_activation_is_finite_and_exact_at_extreme_inputs(impl, name):
    x = np.array([-1e3, -500.0, -20.0, -1.0, 0.0, 1.0, 20.0, 500.0, 1e3], dtype=np.float32)
    dout = np.ones_like(x)
    got = impl.probe(forward_backward, f"{MOD}:{CLASSES[name]}", x, dout)
    out, dx = oracle(ORACLES[name], x, dout)
    checks.allclose(got["out"], out, f"{CLASSES[name]}()(x) for |x| up to 1e3 (float32)", reveal=False,
                    hint="exp of a large positive number overflows: only exponentiate -|x|")
    checks.allclose(got["dx"], dx, f"the gradient of {CLASSES[name]}()(x) for |x| up to 1e3 and at 0", reveal=False,
                    hint="NaN gradients come from inf / inf; a gradient of 0 at x = 0 comes from abs(x)")


@weight(1)
@given(slope=st.floats(0.0, 0.9), x=float_arrays(max_dims=2, dtype=np.float32))
def test_leaky_relu_module_uses_its_slope(impl, slope, x):
    """torch LeakyReLU module uses its slope."""
    got = impl.probe(forward_backward, f"{MOD}:LeakyReLU", x, np.ones_like(x), kwargs={"slope": slope})
    fn = lambda t: torch.nn.functional.leaky_relu(t, slope)  # noqa: E731
    out, dx = oracle(fn, x, np.ones_like(x))
    checks.allclose(got["out"], out, "LeakyReLU(slope)(x)", reveal=False)
    checks.allclose(got["dx"], dx, "the gradient of LeakyReLU(slope)(x)", reveal=False)


@weight(2)
def test_activations_dict_maps_every_name_to_its_module(impl):
    """torch ACTIVATIONS dict maps every name to its module."""
    x = np.linspace(-6, 6, 13, dtype=np.float32)
    got = impl.probe(registry, f"{MOD}:ACTIVATIONS", x)
    assert sorted(got) == sorted(CLASSES), "ACTIVATIONS should have exactly the keys " + ", ".join(sorted(CLASSES))
    for name, cls in CLASSES.items():
        assert got[name]["class"] == cls, f"ACTIVATIONS[{name!r}] should be the class {cls}"
        out, _ = oracle(ORACLES[name], x, np.ones_like(x))
        checks.allclose(got[name]["out"], out, f"ACTIVATIONS[{name!r}]()(x)", reveal=False)


@weight(1)
@pytest.mark.parametrize("name", list(CLASSES))
@given(x=float_arrays(bound=30.0), seed=seeds())
def test_torch_activation_keeps_float64_input_in_float64(impl, name, x, seed):
    """torch activation keeps a float64 input in float64.

    Each module maps a float64 tensor to a float64 tensor equal to its functional twin, gradient included."""
    dout = gaussian(seed, *x.shape)
    got = impl.probe(forward_backward, f"{MOD}:{CLASSES[name]}", x, dout)
    out, dx = oracle(ORACLES[name], x, dout)
    what = f"{CLASSES[name]}()(x) for a float64 x"
    result = checks.array(got["out"], what, shape=x.shape)
    assert result.dtype == np.float64, (
        f"{what} has dtype {result.dtype}; expected float64, the dtype of x\n"
        "  hint: build tensors with torch.zeros_like(x) or torch.where, not torch.zeros(shape), which is float32")
    checks.close(result, out, what, tol=1e-6, atol=1e-10, reveal=False)
    checks.close(got["dx"], dx, f"the gradient of {what}", tol=1e-6, atol=1e-10, reveal=False)
