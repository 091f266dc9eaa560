"""Public tests of layers/pool.py: max and average pooling on small inputs you can check by hand."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward, forward_backward
from tests.public.helpers import assert_vectorized

MOD = "layers.pool"
X4 = np.array([[[[1.0, 5.0, 2.0, 0.0],
                 [3.0, 4.0, 8.0, 1.0],
                 [0.0, 2.0, 6.0, 7.0],
                 [9.0, 1.0, 3.0, 5.0]]]])
DOUT2 = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])


@weight(1)
def test_maxpool2d_forward_takes_the_maximum_of_each_window(impl):
    got = impl.probe(forward, MOD, "maxpool2d", [X4], {"kernel_size": 2, "stride": 2})
    checks.close(got["out"], [[[[5.0, 8.0], [9.0, 7.0]]]], "maxpool2d_forward(x, 2, 2)")


@weight(1)
def test_maxpool2d_backward_sends_the_gradient_to_the_maximum_only(impl):
    got = impl.probe(forward_backward, MOD, "maxpool2d", [X4], DOUT2, {"kernel_size": 2, "stride": 2})
    expected = [[[[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 4.0], [3.0, 0.0, 0.0, 0.0]]]]
    checks.close(got["grads"][0], expected, "maxpool2d_backward", hint="each window's dout goes to its maximum")


@weight(1)
def test_maxpool2d_backward_gives_a_tie_to_the_first_maximum_in_row_major_order(impl):
    x = np.array([[[[1.0, 3.0], [3.0, 3.0]]]])
    got = impl.probe(forward_backward, MOD, "maxpool2d", [x], np.array([[[[5.0]]]]), {"kernel_size": 2})
    checks.close(got["grads"][0], [[[[0.0, 5.0], [0.0, 0.0]]]], "maxpool2d_backward when a window has tied maxima",
                 hint="only the first maximum in row-major order (as np.argmax finds it) receives the gradient")


@weight(1)
def test_maxpool2d_backward_adds_up_overlapping_windows(impl):
    x = np.array([[[[0.0, 1.0, 0.0], [2.0, 9.0, 3.0], [0.0, 4.0, 0.0]]]])
    got = impl.probe(forward_backward, MOD, "maxpool2d", [x], DOUT2, {"kernel_size": 2, "stride": 1})
    checks.close(got["out"], [[[[9.0, 9.0], [9.0, 9.0]]]], "maxpool2d_forward(x, 2, stride=1)")
    expected = [[[[0.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 0.0]]]]
    checks.close(got["grads"][0], expected, "maxpool2d_backward with overlapping windows (stride 1 < kernel 2)",
                 hint="an input that is the maximum of several windows receives the sum of their gradients (+=)")


@weight(1)
def test_avgpool2d_forward_averages_each_window(impl):
    got = impl.probe(forward, MOD, "avgpool2d", [X4], {"kernel_size": 2, "stride": 2})
    checks.close(got["out"], [[[[13 / 4, 11 / 4], [12 / 4, 21 / 4]]]], "avgpool2d_forward(x, 2, 2)")


@weight(1)
def test_avgpool2d_backward_spreads_the_gradient_evenly_over_the_window(impl):
    got = impl.probe(forward_backward, MOD, "avgpool2d", [X4], DOUT2, {"kernel_size": 2, "stride": 2})
    expected = np.kron(DOUT2[0, 0], np.ones((2, 2))) / 4
    checks.close(got["grads"][0], expected[None, None], "avgpool2d_backward",
                 hint="each of the k * k inputs of a window gets dout / (k * k)")


@weight(1)
def test_avgpool2d_backward_adds_up_overlapping_windows(impl):
    x = np.zeros((1, 1, 3, 3))
    got = impl.probe(forward_backward, MOD, "avgpool2d", [x], DOUT2, {"kernel_size": 2, "stride": 1})
    expected = [[[[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]]]]
    checks.close(got["grads"][0], np.array(expected) / 4, "avgpool2d_backward with overlapping windows",
                 hint="where windows overlap their shares add up (+=)")


@weight(1)
@pytest.mark.parametrize("name", ["maxpool2d", "avgpool2d"])
def test_pooling_stride_defaults_to_the_kernel_size(impl, name):
    x = np.arange(2 * 3 * 6 * 6, dtype=float).reshape(2, 3, 6, 6)
    got = impl.probe(forward, MOD, name, [x], {"kernel_size": 3})
    checks.array(got["out"], f"{name}_forward(x (2, 3, 6, 6), kernel_size=3) with the default stride",
                 shape=(2, 3, 2, 2))


@weight(1)
@pytest.mark.parametrize("name", ["maxpool2d", "avgpool2d"])
def test_pooling_kernel_size_defaults_to_2(impl, name):
    got = impl.probe(forward, MOD, name, [X4])
    expected = [[[[5.0, 8.0], [9.0, 7.0]]]] if name == "maxpool2d" else [[[[13 / 4, 11 / 4], [12 / 4, 21 / 4]]]]
    checks.close(got["out"], expected, f"{name}_forward(x) with the default kernel_size and stride",
                 hint="kernel_size defaults to 2, and the stride to the kernel size")


@weight(1)
@pytest.mark.parametrize("name", ["maxpool2d", "avgpool2d"])
@pytest.mark.parametrize("shape, kwargs", [((1, 1, 3, 3), {"kernel_size": 4}),
                                           ((2, 1, 5, 2), {"kernel_size": 3, "stride": 1})])
def test_pooling_raises_value_error_when_the_kernel_is_larger_than_the_input(impl, name, shape, kwargs):
    got = impl.raised(f"{MOD}:{name}_forward", np.ones(shape), **kwargs)
    assert got == "ValueError", (
        f"{name}_forward(x {shape}, {kwargs}) should raise ValueError (the window does not fit the input), "
        f"got {got or 'no exception'}")


@weight(1)
@pytest.mark.parametrize("name", ["maxpool2d", "avgpool2d"])
def test_pooling_output_size_is_rounded_down(impl, name):
    x = np.arange(2 * 1 * 5 * 7, dtype=float).reshape(2, 1, 5, 7)
    got = impl.probe(forward, MOD, name, [x], {"kernel_size": 2})
    out = checks.array(got["out"], f"{name}_forward(x (2, 1, 5, 7), kernel_size=2)", shape=(2, 1, 2, 3))
    first = x[0, 0, :2, :2].max() if name == "maxpool2d" else x[0, 0, :2, :2].mean()
    checks.close(out[0, 0, 0, 0], first, f"{name}_forward(x, 2): the first window")


@weight(1)
@pytest.mark.parametrize("name", ["maxpool2d", "avgpool2d"])
def test_pooling_does_not_modify_its_input(impl, name):
    got = impl.probe(forward_backward, MOD, name, [X4.copy()], np.ones((1, 1, 3, 3)), {"kernel_size": 2, "stride": 1})
    checks.unchanged(X4, got["args_after"][0], f"the input x of {name}_forward")


@pytest.mark.parametrize("name", ["maxpool2d", "avgpool2d"])
@weight(1)
def test_pooling_runs_no_python_loop_over_the_batch_or_output_positions(impl, name):
    def make(n, size):
        x = np.arange(n * 2 * 16 * size * size, dtype=np.float64).reshape(n, 2, 4 * size, 4 * size)
        return [x], np.ones((n, 2, 2 * size, 2 * size)), {"kernel_size": 2}

    assert_vectorized(impl, MOD, name, make)
