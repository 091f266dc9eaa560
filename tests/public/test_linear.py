"""Public tests of layers/linear.py: the affine layer forward and backward on small inputs."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward, forward_backward
from tests.public.helpers import assert_vectorized

MOD = "layers.linear"
X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 2.0]])
W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
B = np.array([0.5, -0.5])
DOUT = np.array([[1.0, 2.0], [-1.0, 3.0]])
FLATTEN_HINT = "flatten x to (N, D) with x.reshape(x.shape[0], -1) before the product"


@weight(1)
def test_linear_forward_matches_hand_computed_values(impl):
    got = impl.probe(forward, MOD, "linear", [X, W, B])
    checks.close(got["out"], [[4.5, -1.5], [1.5, -2.5]], "linear_forward(x, w, b)",
                 hint="out = x @ w + b with w of shape (D, M)")


@weight(1)
def test_linear_forward_flattens_each_sample(impl):
    x = np.arange(12.0).reshape(2, 2, 3)
    w = np.linspace(-1.0, 1.0, 24).reshape(6, 4)
    b = np.array([1.0, 2.0, 3.0, 4.0])
    got = impl.probe(forward, MOD, "linear", [x, w, b])
    checks.close(got["out"], x.reshape(2, 6) @ w + b, "linear_forward for x of shape (2, 2, 3)", hint=FLATTEN_HINT)


@weight(2)
def test_linear_backward_matches_hand_computed_gradients(impl):
    got = impl.probe(forward_backward, MOD, "linear", [X, W, B], DOUT)
    dx, dw, db = got["grads"]
    checks.close(dx, DOUT @ W.T, "dx of linear_backward", hint="dx = dout @ w.T")
    checks.close(dw, X.T @ DOUT, "dw of linear_backward", hint="dw = x.T @ dout, of shape (D, M) like w")
    checks.close(db, [0.0, 5.0], "db of linear_backward", hint="db sums dout over the batch (axis 0)")


@weight(1)
def test_linear_backward_returns_dx_shaped_like_x(impl):
    x = np.arange(12.0).reshape(2, 2, 3)
    w = np.linspace(-1.0, 1.0, 24).reshape(6, 4)
    dout = np.arange(8.0).reshape(2, 4)
    got = impl.probe(forward_backward, MOD, "linear", [x, w, np.zeros(4)], dout)
    checks.close(got["grads"][0], (dout @ w.T).reshape(2, 2, 3), "dx of linear_backward for x of shape (2, 2, 3)",
                 hint="reshape dx back to x.shape")
    checks.close(got["grads"][1], x.reshape(2, 6).T @ dout, "dw of linear_backward for x of shape (2, 2, 3)",
                 hint=FLATTEN_HINT)


@weight(1)
def test_linear_does_not_modify_its_inputs(impl):
    got = impl.probe(forward_backward, MOD, "linear", [X.copy(), W.copy(), B.copy()], DOUT)
    for name, before, after in zip("xwb", [X, W, B], got["args_after"]):
        checks.unchanged(before, after, f"the input {name} of linear_forward")


@weight(1)
def test_linear_runs_no_python_loop_over_the_batch_or_output_positions(impl):
    def make(n, size):
        return [np.ones((n, 2, size)), np.ones((2 * size, 4)), np.zeros(4)], np.ones((n, 4)), {}

    assert_vectorized(impl, MOD, "linear", make)
