"""Public tests of SoftmaxRegression in models/softmax_regression.py: small inputs you can check by hand."""
import numpy as np
import torch
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.training import numpy_model_forward, numpy_model_init, numpy_model_predict

MODEL = "models.softmax_regression:SoftmaxRegression"
X = np.array([[1.0, 2.0], [3.0, -1.0]])
Y = np.array([0, 2])
W1 = np.array([[0.5, -1.0, 0.2], [0.1, 0.3, -0.4]])
# X @ W1 = [[0.7, -0.4, -0.6], [1.4, -3.3, 1.0]]; after ReLU: [[0.7, 0, 0], [1.4, 0, 1.0]]


def expected(X, W1, y):
    """Returns (loss, accuracy, dW1) of scores = ReLU(X @ W1) with softmax cross-entropy."""
    z = X @ W1
    scores = np.maximum(z, 0)
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    dscores = p.copy()
    dscores[np.arange(n), y] -= 1
    dW1 = X.T @ (dscores / n * (z > 0))
    return loss, np.mean(scores.argmax(axis=1) == y), dW1


def torch_gradient(X, W1, y):
    """Returns dW1 of the mean softmax cross-entropy of ReLU(X @ W1) by torch autograd in float64.

    The data loss only: forward adds no regularization term (the optimizer does).
    """
    W = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    scores = torch.relu(torch.tensor(X, dtype=torch.float64) @ W)
    torch.nn.functional.cross_entropy(scores, torch.tensor(y, dtype=torch.int64)).backward()
    return W.grad.numpy()


@weight(1)
def test_softmax_regression_has_one_weight_matrix_and_a_gradient_for_it(impl):
    got = impl.probe(numpy_model_init, MODEL, {"input_size": 5, "num_classes": 3})
    assert sorted(got["weights"]) == ["W1"], f"weights should have the single key 'W1', got {sorted(got['weights'])}"
    checks.array(got["weights"]["W1"], "weights['W1']", shape=(5, 3))
    assert sorted(got["gradients"]) == ["W1"], "gradients should have the same keys as weights"
    checks.array(got["gradients"]["W1"], "gradients['W1']", shape=(5, 3))


@weight(1)
def test_softmax_regression_weights_are_small_gaussians(impl):
    w = checks.array(impl.probe(numpy_model_init, MODEL, {"input_size": 100, "num_classes": 40})["weights"]["W1"],
                     "weights['W1']", shape=(100, 40))
    assert 0.00092 < w.std() < 0.00108, (
        f"weights['W1'] has standard deviation {w.std():.2e}; expected 0.001 (0.001 * a standard normal)")
    assert abs(w.mean()) < 0.0001, f"weights['W1'] has mean {w.mean():.2e}; expected about 0"


@weight(1)
def test_softmax_regression_weights_depend_only_on_the_seed(impl):
    a = impl.probe(numpy_model_init, MODEL, {"input_size": 4, "num_classes": 3, "seed": 0})["weights"]["W1"]
    b = impl.probe(numpy_model_init, MODEL, {"input_size": 4, "num_classes": 3, "seed": 0})["weights"]["W1"]
    c = impl.probe(numpy_model_init, MODEL, {"input_size": 4, "num_classes": 3, "seed": 1})["weights"]["W1"]
    checks.close(a, b, "weights['W1'] of two models built with seed=0",
                 hint="draw from np.random.default_rng(seed), not from the global random state")
    assert not np.allclose(b, c), "models built with seed=0 and seed=1 have the same weights; use the seed"


@weight(1)
def test_softmax_regression_loss_at_initialization_is_log_of_class_count(impl):
    X10 = np.random.default_rng(0).standard_normal((50, 64))
    y10 = np.arange(50) % 10
    got = impl.probe(numpy_model_forward, MODEL, {"input_size": 64, "num_classes": 10}, X10, y10)
    loss = checks.number(got["loss"], "the loss of a freshly built model")
    assert abs(loss - np.log(10)) < 0.01, (
        f"the loss of a freshly built model on 10 classes is {loss:.4f}; with tiny weights every class is "
        f"about equally likely, so it should be close to log(10) = {np.log(10):.4f}")


@weight(1)
def test_softmax_regression_forward_matches_hand_computed_loss_and_accuracy(impl):
    got = impl.probe(numpy_model_forward, MODEL, {"input_size": 2, "num_classes": 3}, X, Y, weights={"W1": W1})
    loss, accuracy, _ = expected(X, W1, Y)
    checks.close(got["loss"], loss, "the loss of forward(X, y)",
                 hint="scores = ReLU(X @ W1), then the mean softmax cross-entropy")
    checks.close(got["accuracy"], accuracy, "the accuracy of forward(X, y)",
                 hint="the fraction of rows whose largest score is at the true label")


@weight(1)
def test_softmax_regression_gradient_matches_hand_computed_gradient(impl):
    got = impl.probe(numpy_model_forward, MODEL, {"input_size": 2, "num_classes": 3}, X, Y, weights={"W1": W1})
    checks.close(got["gradients"]["W1"], expected(X, W1, Y)[2], "gradients['W1'] after forward(X, y, mode='train')",
                 hint="dW1 = X.T @ (dscores * (X @ W1 > 0)); the loss gradient already holds the 1/N")
    checks.unchanged(X, got["X_after"], "the input X of forward")


@weight(1)
def test_softmax_regression_gradient_matches_torch_autograd(impl):
    X3 = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-1.2, 0.8, 0.4], [0.9, 1.1, -0.2]])
    W = np.array([[0.3, -0.2], [-0.5, 0.4], [0.6, 0.1]])
    y = np.array([0, 1, 1, 0])
    kwargs = {"input_size": 3, "num_classes": 2}
    analytic = impl.probe(numpy_model_forward, MODEL, kwargs, X3, y, weights={"W1": W})["gradients"]["W1"]
    checks.close(analytic, torch_gradient(X3, W, y), "gradients['W1'] against torch autograd of the loss", tol=1e-6,
                 atol=1e-8, hint="the gradient of the mean cross-entropy of ReLU(X @ W1), with no regularization")


@weight(1)
def test_softmax_regression_predict_returns_the_class_with_the_largest_score(impl):
    X3 = np.vstack([X, [[-1.0, 1.0]]])  # the third row scores ReLU([-0.4, 1.3, -0.6]) = [0, 1.3, 0]
    got = impl.probe(numpy_model_predict, MODEL, {"input_size": 2, "num_classes": 3}, X3, {"W1": W1})
    labels = checks.array(got, "predict(X)", shape=(3,), kind="iu")
    assert labels.tolist() == [0, 0, 1], f"predict(X) returned {labels.tolist()}; expected [0, 0, 1]"
