"""Hidden tests of NumpySGD: multi-step trajectories on drawn shapes and hyper-parameters."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.training import numpy_sgd_steps
from tests.hidden.strategies import gaussian, seeds


@st.composite
def models(draw):
    """Weights of a numpy model (two or three layers) and gradients for a few steps."""
    layers = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 4)) for _ in range(layers + 1)]
    seed = draw(seeds())
    weights = {}
    for i in range(layers):
        weights[f"W{i + 1}"] = gaussian(seed + i, sizes[i], sizes[i + 1])
        weights[f"b{i + 1}"] = gaussian(seed + 100 + i, sizes[i + 1])
    steps = draw(st.integers(1, 4))
    grads = [{k: gaussian(seed + 1000 * (s + 1) + j, *v.shape) for j, (k, v) in enumerate(weights.items())}
             for s in range(steps)]
    return weights, grads


def expected_trajectory(weights, grads, lr, reg):
    """Returns the weights after each step of gradient descent on L + reg/2 * sum of W^2."""
    w = {k: v.copy() for k, v in weights.items()}
    out = []
    for g in grads:
        w = {k: w[k] - lr * (g[k] + (reg * w[k] if k.startswith("W") else 0.0)) for k in w}
        out.append(w)
    return out


@weight(2)
@given(model=models(), lr=st.floats(1e-3, 1.0), reg=st.floats(0.0, 1.0))
def test_numpy_sgd_follows_gradient_descent_on_the_regularized_objective(impl, model, lr, reg):
    weights, grads = model
    got = impl.probe(numpy_sgd_steps, {"learning_rate": lr, "reg": reg}, weights, grads)
    for step, (state, want) in enumerate(zip(got, expected_trajectory(weights, grads, lr, reg)), start=1):
        for key in weights:
            checks.close(state["weights"][key], want[key], f"weights[{key!r}] after step {step}", reveal=False)


@weight(1)
@given(model=models(), reg=st.floats(1e-3, 1.0))
def test_numpy_sgd_regularization_touches_only_weight_matrix_gradients(impl, model, reg):
    weights, grads = model
    got = impl.probe(numpy_sgd_steps, {"learning_rate": 0.1, "reg": reg}, weights, grads[:1], regularize_only=True)[0]
    for key in weights:
        want = grads[0][key] + (reg * weights[key] if key.startswith("W") else 0.0)
        checks.close(got["gradients"][key], want, f"gradients[{key!r}] after apply_regularization", reveal=False,
                     hint="reg * W for keys starting with 'W', nothing for biases")
        checks.close(got["weights"][key], weights[key], f"weights[{key!r}] after apply_regularization", reveal=False)


@weight(1)
@given(model=models())
def test_numpy_sgd_defaults_are_learning_rate_1e_4_and_reg_1e_3(impl, model):
    weights, grads = model
    got = impl.probe(numpy_sgd_steps, {}, weights, grads[:1])[0]
    want = expected_trajectory(weights, grads[:1], 1e-4, 1e-3)[0]
    for key in weights:
        checks.close(got["weights"][key], want[key], f"weights[{key!r}] after a step with the default settings",
                     reveal=False)


@weight(1)
def test_numpy_sgd_large_regularization_uses_the_weights_before_the_step(impl):
    weights = {"W1": np.array([[2.0, -1.0]]), "b1": np.array([1.0, 1.0]), "W2": np.array([[1.0], [3.0]]),
               "b2": np.array([0.5])}
    grads = [{k: np.ones_like(v) for k, v in weights.items()}] * 2
    got = impl.probe(numpy_sgd_steps, {"learning_rate": 0.5, "reg": 2.0}, weights, grads)
    for step, (state, want) in enumerate(zip(got, expected_trajectory(weights, grads, 0.5, 2.0)), start=1):
        for key in weights:
            checks.close(state["weights"][key], want[key], f"weights[{key!r}] after step {step} with reg=2",
                         reveal=False, hint="regularize every gradient with the weights as they were, then step")
