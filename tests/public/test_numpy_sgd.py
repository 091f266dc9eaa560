"""Public tests of NumpySGD in optimizers/numpy_sgd.py: one step on fixed numbers you can follow by hand."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.training import numpy_sgd_steps

WEIGHTS = {"W1": np.array([[1.0, -2.0], [0.5, 4.0]]), "b1": np.array([3.0, -1.0])}
GRADS = {"W1": np.array([[0.1, 0.2], [-0.3, 0.0]]), "b1": np.array([0.5, -0.5])}


@weight(1)
def test_numpy_sgd_without_regularization_steps_against_the_gradient(impl):
    got = impl.probe(numpy_sgd_steps, {"learning_rate": 0.1, "reg": 0.0}, WEIGHTS, [GRADS])[0]
    for key in WEIGHTS:
        checks.close(got["weights"][key], WEIGHTS[key] - 0.1 * GRADS[key], f"weights[{key!r}] after update",
                     hint="w = w - learning_rate * grad for every key")


@weight(1)
def test_numpy_sgd_regularization_adds_reg_times_w_to_weight_gradients(impl):
    got = impl.probe(numpy_sgd_steps, {"learning_rate": 0.1, "reg": 0.5}, WEIGHTS, [GRADS],
                     regularize_only=True)[0]
    # the gradient of reg/2 * sum(W^2) is reg * W: W1's gradient [[0.1, 0.2], [-0.3, 0]] + 0.5 * W1
    checks.close(got["gradients"]["W1"], [[0.6, -0.8], [-0.05, 2.0]], "gradients['W1'] after apply_regularization",
                 hint="the objective is L + reg/2 * sum(W^2), whose gradient adds reg * W (not 2 * reg * W)")
    checks.close(got["weights"]["W1"], WEIGHTS["W1"], "weights['W1'] after apply_regularization",
                 hint="apply_regularization changes gradients only")


@weight(1)
def test_numpy_sgd_never_regularizes_biases(impl):
    got = impl.probe(numpy_sgd_steps, {"learning_rate": 0.1, "reg": 0.5}, WEIGHTS, [GRADS],
                     regularize_only=True)[0]
    checks.close(got["gradients"]["b1"], GRADS["b1"], "gradients['b1'] after apply_regularization",
                 hint="only keys starting with 'W' are regularized")


@weight(1)
def test_numpy_sgd_update_regularizes_then_steps(impl):
    got = impl.probe(numpy_sgd_steps, {"learning_rate": 0.1, "reg": 0.5}, WEIGHTS, [GRADS])[0]
    # W1 - 0.1 * (grad + 0.5 * W1); b1 - 0.1 * grad
    checks.close(got["weights"]["W1"], [[0.94, -1.92], [0.505, 3.8]], "weights['W1'] after update with reg=0.5",
                 hint="add reg * W to every weight gradient first, then step every key with the old weights")
    checks.close(got["weights"]["b1"], [2.95, -0.95], "weights['b1'] after update with reg=0.5",
                 hint="biases are stepped with their plain gradient")
