"""Public tests of layers/conv.py: output sizes, parameter counts, and small convolutions you can check by hand."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward, forward_backward
from grader.testkit.probes.torch_modules import backward
from tests.public.helpers import assert_vectorized

MOD = "layers.conv"
X3 = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)  # [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
W_TOP = np.array([[[[1.0, 2.0], [0.0, 0.0]]]])  # out[i, j] = x[i, j] + 2 x[i, j + 1]


@weight(1)
@pytest.mark.parametrize("args, kwargs, expected", [
    ((32, 32, 3), {"stride": 1, "pad": 1}, (32, 32)),
    ((7, 7, 3), {"stride": 2}, (3, 3)),
    ((8, 8, 3), {"stride": 2}, (3, 3)),
    ((5, 6, (3, 2)), {"stride": 2, "pad": 1}, (3, 4)),
    ((28, 28, 5), {}, (24, 24)),
])
def test_conv2d_output_shape_follows_the_formula(impl, args, kwargs, expected):
    got = impl.call(f"{MOD}:conv2d_output_shape", *args, **kwargs)
    what = f"conv2d_output_shape{args} with {kwargs or 'stride=1, pad=0'}"
    if not isinstance(got, list) or len(got) != 2 or not all(isinstance(v, int) for v in got):
        raise AssertionError(f"{what} should return a pair of ints (H_out, W_out), got {got!r}")
    assert tuple(got) == expected, (
        f"{what} returned {tuple(got)}, expected {expected}; "
        "H_out = (H + 2 * pad - HH) // stride + 1, rounded down")


@weight(1)
@pytest.mark.parametrize("args, kwargs", [((2, 2, 3), {}), ((4, 4, 7), {"pad": 1}), ((5, 5, (2, 6)), {})])
def test_conv2d_output_shape_raises_value_error_when_the_kernel_does_not_fit(impl, args, kwargs):
    got = impl.raised(f"{MOD}:conv2d_output_shape", *args, **kwargs)
    assert got == "ValueError", (
        f"conv2d_output_shape{args} with {kwargs or 'pad=0'} should raise ValueError (the output size is not "
        f"positive), got {got or 'no exception'}")


@weight(1)
@pytest.mark.parametrize("args, kwargs", [
    ((5, 5, 3), {"stride": 0}),
    ((3, 3, 3), {"stride": -1}),
    ((5, 5, 3), {"pad": -1}),
    ((6, 6, (2, 1)), {"stride": 2, "pad": -1}),
])
def test_conv2d_output_shape_raises_value_error_for_a_stride_below_1_or_a_negative_pad(impl, args, kwargs):
    got = impl.raised(f"{MOD}:conv2d_output_shape", *args, **kwargs)
    assert got == "ValueError", (
        f"conv2d_output_shape{args} with {kwargs} should raise ValueError (stride must be >= 1 and pad >= 0), "
        f"got {got or 'no exception'}")


@weight(1)
@pytest.mark.parametrize("args, kwargs, expected", [
    ((3, 16, 3), {}, 16 * 3 * 3 * 3 + 16),
    ((3, 16, 3), {"bias": False}, 16 * 3 * 3 * 3),
    ((8, 2, (5, 1)), {}, 2 * 8 * 5 * 1 + 2),
])
def test_conv2d_param_count_counts_weights_and_one_bias_per_filter(impl, args, kwargs, expected):
    got = impl.call(f"{MOD}:conv2d_param_count", *args, **kwargs)
    checks.number(got, f"conv2d_param_count{args}")
    assert got == expected, (
        f"conv2d_param_count{args} with {kwargs or 'bias=True'} returned {got}, expected {expected}: "
        "out_channels * in_channels * HH * WW weights, plus out_channels biases when bias=True")


@weight(1)
def test_conv2d_forward_cross_correlates_without_flipping_the_kernel(impl):
    got = impl.probe(forward, MOD, "conv2d", [X3, W_TOP, np.zeros(1)])
    checks.close(got["out"], [[[[5.0, 8.0], [14.0, 17.0]]]], "conv2d_forward with the kernel [[1, 2], [0, 0]]",
                 hint="out[i, j] = sum_kl x[i + k, j + l] * w[k, l]: do not flip the kernel")


@weight(1)
def test_conv2d_forward_pads_with_zeros_on_every_side(impl):
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    got = impl.probe(forward, MOD, "conv2d", [x, np.ones((1, 1, 2, 2)), np.zeros(1)], {"pad": 1})
    expected = [[[[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]]]]
    checks.close(got["out"], expected, "conv2d_forward with a 2x2 kernel of ones and pad=1",
                 hint="pad the input with `pad` zeros on all four sides (top, bottom, left and right)")


@weight(1)
def test_conv2d_forward_moves_the_window_by_the_stride(impl):
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    got = impl.probe(forward, MOD, "conv2d", [x, np.ones((1, 1, 3, 3)), np.zeros(1)], {"stride": 2})
    checks.close(got["out"], [[[[54.0, 72.0], [144.0, 162.0]]]], "conv2d_forward with a 3x3 kernel and stride=2",
                 hint="window (i, j) starts at row i * stride and column j * stride")


@weight(1)
def test_conv2d_forward_sums_over_channels_and_adds_one_bias_per_filter(impl):
    x = np.stack([X3[0, 0], 10 * X3[0, 0]])[None]  # two channels
    w = np.array([[1.0, 0.0], [-1.0, 1.0]]).reshape(2, 2, 1, 1)  # filter 0: channel 0; filter 1: channel 1 - channel 0
    b = np.array([0.5, -1.0])
    got = impl.probe(forward, MOD, "conv2d", [x, w, b])
    expected = np.stack([X3[0, 0] + 0.5, 9 * X3[0, 0] - 1.0])[None]
    checks.close(got["out"], expected, "conv2d_forward with 2 channels and 2 filters of size 1x1",
                 hint="out[n, f] = b[f] + sum over channels c and kernel offsets of x * w[f, c]")


@weight(1)
def test_conv2d_forward_output_has_shape_n_f_hout_wout(impl):
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 3, 5, 7)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    got = impl.probe(forward, MOD, "conv2d", [x, w, b], {"stride": 2, "pad": 1})
    checks.array(got["out"], "conv2d_forward(x (2, 3, 5, 7), w (4, 3, 3, 2), stride=2, pad=1)", shape=(2, 4, 3, 4))


@weight(1)
def test_conv2d_backward_on_a_hand_checkable_example(impl):
    got = impl.probe(forward_backward, MOD, "conv2d", [X3, W_TOP, np.zeros(1)], np.ones((1, 1, 2, 2)))
    dx, dw, db = got["grads"]
    checks.close(db, [4.0], "db for dout of ones", hint="db[f] = sum of dout[:, f] over N, H_out and W_out")
    checks.close(dw, [[[[12.0, 16.0], [24.0, 28.0]]]], "dw for dout of ones",
                 hint="dw[f, c, k, l] = sum over n, i, j of "
                      "dout[n, f, i, j] * x_pad[n, c, i * stride + k, j * stride + l]")
    checks.close(dx, [[[[1.0, 3.0, 2.0], [1.0, 3.0, 2.0], [0.0, 0.0, 0.0]]]], "dx for dout of ones",
                 hint="every window sends dout * w back to the inputs it covered")


@weight(1)
def test_conv2d_backward_sums_db_over_the_batch_and_positions(impl):
    dout = np.arange(16.0).reshape(2, 2, 2, 2)
    x, w = np.ones((2, 1, 3, 3)), np.ones((2, 1, 2, 2))
    got = impl.probe(forward_backward, MOD, "conv2d", [x, w, np.zeros(2)], dout)
    checks.close(got["grads"][2], [0 + 1 + 2 + 3 + 8 + 9 + 10 + 11, 4 + 5 + 6 + 7 + 12 + 13 + 14 + 15], "db",
                 hint="db[f] = dout[:, f].sum() over N, H_out and W_out")


@weight(2)
@pytest.mark.parametrize("stride, pad", [(1, 0), (1, 1), (2, 1), (3, 2)])
def test_conv2d_backward_matches_torch_autograd(impl, stride, pad):
    rng = np.random.default_rng(stride * 10 + pad)
    x, w, b = rng.standard_normal((2, 2, 5, 6)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)
    # the reference: torch.nn.functional.conv2d in float64, differentiated by autograd
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = torch.nn.functional.conv2d(*tensors, stride=stride, padding=pad)
    dout = rng.standard_normal(tuple(out.shape))
    backward(out, dout)
    expected = [t.grad.numpy() for t in tensors]
    kwargs = {"stride": stride, "pad": pad}
    grads = impl.probe(forward_backward, MOD, "conv2d", [x, w, b], dout, kwargs)["grads"]
    hints = ["cut the padding off dx, and place each window's gradient at the rows and columns it read (stride)",
             "dw sums x_pad windows times dout over the batch and all output positions", "db sums dout over N, H, W"]
    for name, analytic, reference, hint in zip(["dx", "dw", "db"], grads, expected, hints):
        checks.close(analytic, reference, f"{name} of conv2d_backward (stride={stride}, pad={pad}) against torch "
                     "autograd of torch.nn.functional.conv2d", tol=1e-6, atol=1e-8, hint=hint)


@weight(1)
def test_conv2d_does_not_modify_its_inputs(impl):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    dout = rng.standard_normal((2, 3, 2, 2))
    got = impl.probe(forward_backward, MOD, "conv2d", [x.copy(), w.copy(), b.copy()], dout, {"stride": 2, "pad": 1})
    for name, before, after in zip(["x", "w", "b"], [x, w, b], got["args_after"]):
        checks.unchanged(before, after, f"the input {name} of conv2d_forward")


@weight(1)
def test_conv2d_runs_no_python_loop_over_the_batch_or_output_positions(impl):
    def make(n, size):
        x, w, b = np.ones((n, 2, 2 * size, 2 * size)), np.ones((3, 2, 3, 3)), np.zeros(3)
        return [x, w, b], np.ones((n, 3, 2 * size, 2 * size)), {"stride": 1, "pad": 1}

    assert_vectorized(impl, MOD, "conv2d", make)
