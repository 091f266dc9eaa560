"""Hidden tests of layers/pool.py: torch as oracle, ties, overlapping windows, numeric gradients, edge cases."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward_backward
from grader.testkit.probes.torch_modules import backward
from tests.hidden.helpers import check_layer_calls, numeric_layer_gradients
from tests.hidden.strategies import gaussian, seeds

MOD = "layers.pool"
TORCH = {"maxpool2d": torch.nn.functional.max_pool2d, "avgpool2d": torch.nn.functional.avg_pool2d}


@st.composite
def pool_configs(draw, max_side=8):
    """(x shape, kernel_size, stride or None) with a window that fits; the stride may be below the kernel."""
    k = draw(st.integers(1, 3))
    stride = draw(st.none() | st.integers(1, 3))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(k, max_side)),
             draw(st.integers(k, max_side)))
    return shape, k, stride


def kwargs_of(k, stride):
    return {"kernel_size": k} if stride is None else {"kernel_size": k, "stride": stride}


def torch_pool(name, x, dout, k, stride):
    """Returns torch's (out, dx) in float64."""
    xt = torch.tensor(x, requires_grad=True)
    out = TORCH[name](xt, k, stride)
    backward(out, dout)
    return out.detach().numpy(), xt.grad.numpy()


def output_shape(shape, k, stride):
    s = k if stride is None else stride
    return (*shape[:2], (shape[2] - k) // s + 1, (shape[3] - k) // s + 1)


def check_against_torch(impl, name, x, config, seed):
    shape, k, stride = config
    dout = gaussian(seed + 1, *output_shape(shape, k, stride))
    got = impl.probe(forward_backward, MOD, name, [x], dout, kwargs_of(k, stride))
    out, dx = torch_pool(name, x, dout, k, stride)
    hint = "the stride defaults to the kernel size; the output size is rounded down"
    checks.close(got["out"], out, f"{name}_forward", hint=hint, reveal=False)
    hint = {"maxpool2d": "only the first maximum of a window (row-major order) gets its gradient, and overlapping "
                         "windows add up (+=)",
            "avgpool2d": "each input of a window gets dout / (k * k), and overlapping windows add up (+=)"}[name]
    checks.close(got["grads"][0], dx, f"{name}_backward", hint=hint, reveal=False)
    checks.unchanged(x, got["args_after"][0], f"the input x of {name}_forward")


@weight(2)
@pytest.mark.parametrize("name", list(TORCH))
@given(config=pool_configs(), seed=seeds())
def test_pooling_matches_torch_forward_and_backward(impl, name, config, seed):
    check_against_torch(impl, name, gaussian(seed, *config[0]), config, seed)


@weight(2)
@given(config=pool_configs(), seed=seeds())
def test_maxpool2d_with_tied_maxima_matches_torch(impl, config, seed):
    x = np.random.default_rng(seed).integers(0, 3, size=config[0]).astype(np.float64)
    check_against_torch(impl, "maxpool2d", x, config, seed)


@weight(2)
@pytest.mark.parametrize("name", list(TORCH))
@given(config=pool_configs(max_side=5), seed=seeds())
def test_pooling_backward_matches_numeric_gradient(impl, name, config, seed):
    shape, k, stride = config
    rng = np.random.default_rng(seed)
    # distinct values 0.1 apart: a step of h = 1e-5 never changes which input is a window's maximum
    x = 0.1 * rng.permutation(int(np.prod(shape))).reshape(shape) - 1.0
    dout = gaussian(seed + 1, *output_shape(shape, k, stride))
    kwargs = kwargs_of(k, stride)
    analytic = impl.probe(forward_backward, MOD, name, [x], dout, kwargs)["grads"][0]
    numeric = numeric_layer_gradients(impl, MOD, name, [x], dout, [0], kwargs)[0]
    checks.close(analytic, numeric, f"{name}_backward against a numeric gradient", tol=1e-6, atol=1e-8,
                 reveal=False)


@weight(1)
@pytest.mark.parametrize("name", list(TORCH))
def test_pooling_with_overlapping_windows_on_a_batch_of_one_and_odd_sizes(impl, name):
    x = np.random.default_rng(3).integers(0, 2, size=(1, 2, 7, 5)).astype(np.float64)
    check_against_torch(impl, name, x, (x.shape, 3, 1), seed=4)


@weight(1)
@pytest.mark.parametrize("name", list(TORCH))
@given(config=pool_configs(), seed=seeds())
def test_pooling_stride_defaults_to_the_kernel_size(impl, name, config, seed):
    shape, k, _ = config
    check_against_torch(impl, name, gaussian(seed, *shape), (shape, k, None), seed)


@weight(1)
@pytest.mark.parametrize("name", list(TORCH))
@given(config=pool_configs(), seed=seeds())
def test_pooling_backward_leaves_dout_unchanged(impl, name, config, seed):
    """maxpool2d_backward and avgpool2d_backward do not modify their upstream gradient dout in place."""
    shape, k, stride = config
    dout = gaussian(seed + 1, *output_shape(shape, k, stride))
    got = impl.probe(forward_backward, MOD, name, [gaussian(seed, *shape)], dout.copy(), kwargs_of(k, stride))
    checks.unchanged(dout, got["dout_after"], f"the input dout of {name}_backward")


@weight(1)
@pytest.mark.parametrize("name", list(TORCH))
def test_pooling_returns_new_arrays_repeats_its_backward_and_takes_any_layout(impl, name):
    """pooling returns new arrays, repeats its backward and takes any memory layout.

    out and dx are new arrays, a second backward from one cache gives dx again, and a transposed x (overlapping
    windows) gives the same results."""
    x = gaussian(14, 2, 2, 5, 6)
    check_layer_calls(impl, MOD, name, [x], gaussian(15, *output_shape(x.shape, 2, 1)),
                      kwargs_of(2, 1), what=f"{name}_forward/_backward")


@weight(1)
@pytest.mark.parametrize("name", list(TORCH))
def test_pooling_takes_integer_pixels(impl, name):
    """uint8 images (with ties) pool as their values do, and dx is floating."""
    x = np.random.default_rng(16).integers(0, 4, (2, 2, 5, 4)).astype(np.uint8)
    dout = gaussian(17, *output_shape(x.shape, 2, 1))
    got = impl.probe(forward_backward, MOD, name, [x], dout, kwargs_of(2, 1))
    out, dx = torch_pool(name, x.astype(np.float64), dout, 2, 1)
    checks.close(got["out"], out, f"{name}_forward for uint8 images", reveal=False)
    checks.close(checks.array(got["grads"][0], f"{name}_backward for uint8 images"), dx,
                 f"{name}_backward for uint8 images", reveal=False,
                 hint="dx takes dout's floating dtype, not x's uint8 (np.zeros(x.shape), not np.zeros_like(x))")
