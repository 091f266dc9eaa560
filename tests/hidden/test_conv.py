"""Hidden tests of layers/conv.py: torch as oracle over shapes, strides and paddings, numeric gradients, edge cases."""
import numpy as np
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import assume, given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward_backward
from grader.testkit.probes.torch_modules import backward
from tests.hidden.helpers import check_layer_calls, numeric_layer_gradients
from tests.hidden.strategies import gaussian, seeds

MOD = "layers.conv"


@st.composite
def conv_configs(draw, max_batch=3, max_channels=3, max_side=8):
    """(x shape, w shape, stride, pad) with a kernel that fits the padded input; kernels may be non-square."""
    n, c, f = (draw(st.integers(1, m)) for m in (max_batch, max_channels, max_channels))
    hh, ww = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride, pad = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, hh - 2 * pad), max_side))
    w = draw(st.integers(max(1, ww - 2 * pad), max_side))
    return (n, c, h, w), (f, c, hh, ww), stride, pad


def torch_conv(x, w, b, stride, pad, dout):
    """Returns torch's (out, dx, dw, db) in float64."""
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = torch.nn.functional.conv2d(xt, wt, bt, stride=stride, padding=pad)
    backward(out, dout)
    return out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


def output_side(size, kernel, stride, pad):
    return (size + 2 * pad - kernel) // stride + 1


def conv_problem(config, seed):
    """Returns x, w, b, an upstream gradient dout shaped like the output, stride and pad for a drawn config."""
    x_shape, w_shape, stride, pad = config
    x, w, b = gaussian(seed, *x_shape), gaussian(seed + 1, *w_shape), gaussian(seed + 2, w_shape[0])
    out_shape = (x_shape[0], w_shape[0], output_side(x_shape[2], w_shape[2], stride, pad),
                 output_side(x_shape[3], w_shape[3], stride, pad))
    return x, w, b, gaussian(seed + 3, *out_shape), stride, pad


@weight(3)
@given(config=conv_configs(), seed=seeds())
def test_conv2d_matches_torch_forward_and_backward(impl, config, seed):
    x, w, b, dout, stride, pad = conv_problem(config, seed)
    got = impl.probe(forward_backward, MOD, "conv2d", [x, w, b], dout, {"stride": stride, "pad": pad})
    expected = torch_conv(x, w, b, stride, pad, dout)
    what = ["conv2d_forward", "dx of conv2d_backward", "dw of conv2d_backward", "db of conv2d_backward"]
    hints = ["cross-correlate (no kernel flip) the input padded by `pad` zeros on every side, moving by `stride`",
             "cut the padding off dx; window (i, j) read rows i * stride .. and columns j * stride ..",
             "dw[f, c, k, l] sums dout[n, f, i, j] * x_pad[n, c, i * stride + k, j * stride + l] over n, i, j",
             "db sums dout over N, H_out and W_out"]
    for name, actual, oracle, hint in zip(what, [got["out"], *got["grads"]], expected, hints):
        checks.close(actual, oracle, name, hint=hint, reveal=False)
    for name, before, after in zip("xwb", [x, w, b], got["args_after"]):
        checks.unchanged(before, after, f"the input {name} of conv2d_forward")


@weight(2)
@given(config=conv_configs(max_batch=2, max_channels=2, max_side=5), seed=seeds())
def test_conv2d_backward_matches_numeric_gradient(impl, config, seed):
    x, w, b, dout, stride, pad = conv_problem(config, seed)
    kwargs = {"stride": stride, "pad": pad}
    grads = impl.probe(forward_backward, MOD, "conv2d", [x, w, b], dout, kwargs)["grads"]
    numeric = numeric_layer_gradients(impl, MOD, "conv2d", [x, w, b], dout, [0, 1, 2], kwargs)
    for name, analytic, num in zip(["dx", "dw", "db"], grads, numeric):
        checks.close(analytic, num, f"{name} of conv2d_backward against a numeric gradient",
                     tol=1e-6, atol=1e-8, reveal=False)


@weight(1)
def test_conv2d_handles_a_batch_of_one_odd_sizes_and_a_stride_larger_than_the_kernel(impl):
    x, w, b = gaussian(7, 1, 3, 7, 5), gaussian(8, 2, 3, 2, 1), gaussian(9, 2)
    dout = gaussian(10, 1, 2, 4, 3)
    got = impl.probe(forward_backward, MOD, "conv2d", [x, w, b], dout, {"stride": 3, "pad": 2})
    expected = torch_conv(x, w, b, 3, 2, dout)
    for name, actual, oracle in zip(["conv2d_forward", "dx", "dw", "db"], [got["out"], *got["grads"]], expected):
        checks.close(actual, oracle, f"{name} for a batch of one, a 2x1 kernel, stride 3 and pad 2", reveal=False,
                     hint="inputs that no window reads get a zero gradient")


@weight(1)
@given(h=st.integers(1, 40), w=st.integers(1, 40), hh=st.integers(1, 7), ww=st.integers(1, 7),
       stride=st.integers(1, 4), pad=st.integers(0, 3), square=st.booleans())
def test_conv2d_output_shape_matches_torch(impl, h, w, hh, ww, stride, pad, square):
    kernel = hh if square else (hh, ww)
    ww = hh if square else ww
    assume(h + 2 * pad >= hh and w + 2 * pad >= ww)
    got = impl.call(f"{MOD}:conv2d_output_shape", h, w, kernel, stride=stride, pad=pad)
    conv = torch.nn.Conv2d(1, 1, (hh, ww), stride=stride, padding=pad, bias=False)
    with torch.no_grad():
        expected = list(conv(torch.zeros(1, 1, h, w)).shape[2:])
    if not isinstance(got, list) or len(got) != 2 or not all(isinstance(v, int) for v in got):
        raise AssertionError("conv2d_output_shape should return a pair of ints (H_out, W_out)")
    assert got == expected, "conv2d_output_shape is wrong: H_out = (H + 2 * pad - HH) // stride + 1 (rounded down)"


@weight(1)
@given(h=st.integers(1, 10), excess=st.integers(1, 3), stride=st.integers(1, 3), pad=st.integers(0, 3),
       other=st.integers(1, 4), rows=st.booleans())
def test_conv2d_output_shape_raises_value_error_when_the_output_is_empty(impl, h, excess, stride, pad, other, rows):
    hh = h + 2 * pad + excess  # the kernel is larger than the padded side
    args = (h, other + hh, (hh, other)) if rows else (other + hh, h, (other, hh))
    got = impl.raised(f"{MOD}:conv2d_output_shape", *args, stride=stride, pad=pad)
    assert got == "ValueError", (
        f"conv2d_output_shape should raise ValueError when the kernel does not fit the padded input; "
        f"it raised {got or 'nothing'}")


@weight(1)
@given(c=st.integers(1, 64), f=st.integers(1, 64), hh=st.integers(1, 7), ww=st.integers(1, 7), bias=st.booleans(),
       square=st.booleans())
def test_conv2d_param_count_matches_torch(impl, c, f, hh, ww, bias, square):
    kernel = hh if square else (hh, ww)
    ww = hh if square else ww
    got = impl.call(f"{MOD}:conv2d_param_count", c, f, kernel, bias=bias)
    expected = sum(p.numel() for p in torch.nn.Conv2d(c, f, (hh, ww), bias=bias).parameters())
    if isinstance(got, bool) or not isinstance(got, int):
        raise AssertionError(f"conv2d_param_count should return an int, got {type(got).__name__}")
    assert got == expected, ("conv2d_param_count is wrong: out_channels * in_channels * HH * WW weights "
                             "plus out_channels biases when bias=True")


@weight(1)
@given(h=st.integers(1, 12), w=st.integers(1, 12), kernel=st.integers(1, 3), stride=st.integers(-3, 3),
       pad=st.integers(-2, 2))
def test_conv2d_output_shape_raises_value_error_for_a_stride_below_1_or_a_negative_pad(impl, h, w, kernel, stride,
                                                                                       pad):
    assume(stride < 1 or pad < 0)
    got = impl.raised(f"{MOD}:conv2d_output_shape", h + kernel, w + kernel, kernel, stride=stride, pad=pad)
    assert got == "ValueError", (
        f"conv2d_output_shape should raise ValueError when stride < 1 or pad < 0; it raised {got or 'nothing'}")


@weight(1)
@given(config=conv_configs(), seed=seeds())
def test_conv2d_backward_leaves_dout_unchanged(impl, config, seed):
    """conv2d_backward does not modify its upstream gradient dout in place."""
    x, w, b, dout, stride, pad = conv_problem(config, seed)
    got = impl.probe(forward_backward, MOD, "conv2d", [x, w, b], dout.copy(), {"stride": stride, "pad": pad})
    checks.unchanged(dout, got["dout_after"], "the input dout of conv2d_backward")


@weight(1)
def test_conv2d_returns_new_arrays_repeats_its_backward_and_takes_any_layout(impl):
    """conv2d returns new arrays, repeats its backward and takes any memory layout.

    out, dx, dw and db are new arrays, a second backward from one cache gives them again, and transposed inputs
    give the same results."""
    x, w, b, dout, stride, pad = conv_problem(((2, 3, 5, 6), (2, 3, 3, 2), 2, 1), 11)
    check_layer_calls(impl, MOD, "conv2d", [x, w, b], dout, {"stride": stride, "pad": pad},
                      what="conv2d_forward/_backward")


@weight(1)
def test_conv2d_takes_integer_pixels(impl):
    """uint8 images convolve as their values do, and the gradients (dx included) are floating."""
    x = np.random.default_rng(12).integers(0, 256, (2, 2, 5, 4)).astype(np.uint8)
    _, w, b, dout, stride, pad = conv_problem(((2, 2, 5, 4), (3, 2, 3, 3), 1, 1), 13)
    got = impl.probe(forward_backward, MOD, "conv2d", [x, w, b], dout, {"stride": stride, "pad": pad})
    expected = torch_conv(x.astype(np.float64), w, b, stride, pad, dout)
    for name, actual, oracle in zip(["conv2d_forward", "dx", "dw", "db"], [got["out"], *got["grads"]], expected):
        checks.close(checks.array(actual, f"{name} for uint8 images"), oracle, f"{name} for uint8 images",
                     reveal=False, hint="allocate the padded input and dx in a floating dtype, not x's uint8")
