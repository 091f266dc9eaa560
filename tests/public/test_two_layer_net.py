"""Public tests of TwoLayerNet in models/two_layer_net.py: small inputs you can check by hand."""
import numpy as np
import torch
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.training import numpy_model_forward, numpy_model_init, numpy_model_predict

MODEL = "models.two_layer_net:TwoLayerNet"
KWARGS = {"input_size": 2, "hidden_size": 3, "num_classes": 2}
X = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.5]])
Y = np.array([0, 1, 1])
WEIGHTS = {
    "W1": np.array([[0.2, -0.4, 0.1], [0.3, 0.5, -0.6]]),
    "b1": np.array([0.12, 0.0, -0.1]),
    "W2": np.array([[0.7, -0.3], [-0.2, 0.4], [0.5, 0.6]]),
    "b2": np.array([0.05, -0.05]),
}
ACTS = {"sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, h: h * (1 - h)),
        "relu": (lambda z: np.maximum(z, 0), lambda z, h: (z > 0).astype(float))}


def expected(X, y, w, activation="sigmoid"):
    """Returns (loss, accuracy, gradients) of softmax cross-entropy on act(X W1 + b1) W2 + b2."""
    act, dact = ACTS[activation]
    z1 = X @ w["W1"] + w["b1"]
    h = act(z1)
    scores = h @ w["W2"] + w["b2"]
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    dscores = p.copy()
    dscores[np.arange(n), y] -= 1
    dscores /= n
    dz1 = dscores @ w["W2"].T * dact(z1, h)
    grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dscores, "b2": dscores.sum(axis=0)}
    return loss, np.mean(scores.argmax(axis=1) == y), grads


def torch_gradients(X, y, w):
    """Returns the gradients by key of softmax cross-entropy on sigmoid(X W1 + b1) W2 + b2, by torch autograd
    in float64.

    The data loss only: forward adds no regularization term (the optimizer does).
    """
    t = {key: torch.tensor(value, dtype=torch.float64, requires_grad=True) for key, value in w.items()}
    scores = torch.sigmoid(torch.tensor(X, dtype=torch.float64) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    torch.nn.functional.cross_entropy(scores, torch.tensor(y, dtype=torch.int64)).backward()
    return {key: value.grad.numpy() for key, value in t.items()}


@weight(1)
def test_two_layer_net_weights_have_the_documented_shapes_and_zero_biases(impl):
    got = impl.probe(numpy_model_init, MODEL, {"input_size": 4, "hidden_size": 5, "num_classes": 3})
    shapes = {"W1": (4, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}
    assert sorted(got["weights"]) == sorted(shapes), f"weights should have keys {sorted(shapes)}"
    assert sorted(got["gradients"]) == sorted(shapes), f"gradients should have keys {sorted(shapes)}"
    for key, shape in shapes.items():
        checks.array(got["weights"][key], f"weights[{key!r}]", shape=shape)
        checks.array(got["gradients"][key], f"gradients[{key!r}]", shape=shape)
    checks.close(got["weights"]["b1"], np.zeros(5), "weights['b1'] of a new network", hint="biases start at zero")
    checks.close(got["weights"]["b2"], np.zeros(3), "weights['b2'] of a new network", hint="biases start at zero")


@weight(1)
def test_two_layer_net_weights_are_weight_scale_times_gaussians(impl):
    kwargs = {"input_size": 60, "hidden_size": 50, "num_classes": 40, "weight_scale": 0.01}
    got = impl.probe(numpy_model_init, MODEL, kwargs)["weights"]
    for key, shape in (("W1", (60, 50)), ("W2", (50, 40))):
        w = checks.array(got[key], f"weights[{key!r}]", shape=shape)
        assert 0.0092 < w.std() < 0.0108, (
            f"weights[{key!r}] has standard deviation {w.std():.2e}; expected weight_scale = 0.01")


@weight(1)
def test_two_layer_net_loss_at_initialization_is_log_of_class_count(impl):
    X10 = np.random.default_rng(0).standard_normal((50, 64))
    y10 = np.arange(50) % 10
    kwargs = {"input_size": 64, "hidden_size": 20, "num_classes": 10}
    loss = checks.number(impl.probe(numpy_model_forward, MODEL, kwargs, X10, y10)["loss"], "the initial loss")
    assert abs(loss - np.log(10)) < 0.01, (
        f"the loss of a freshly built network on 10 classes is {loss:.4f}; expected about log(10) = {np.log(10):.4f}")


@weight(1)
def test_two_layer_net_forward_matches_hand_computed_loss_and_accuracy(impl):
    got = impl.probe(numpy_model_forward, MODEL, KWARGS, X, Y, weights=WEIGHTS)
    loss, accuracy, _ = expected(X, Y, WEIGHTS)
    checks.close(got["loss"], loss, "the loss of forward(X, y)",
                 hint="scores = sigmoid(X @ W1 + b1) @ W2 + b2, then the mean softmax cross-entropy")
    checks.close(got["accuracy"], accuracy, "the accuracy of forward(X, y)")


@weight(2)
def test_two_layer_net_gradients_match_hand_computed_gradients(impl):
    got = impl.probe(numpy_model_forward, MODEL, KWARGS, X, Y, weights=WEIGHTS)
    grads = expected(X, Y, WEIGHTS)[2]
    for key in ("W2", "b2", "W1", "b1"):
        checks.close(got["gradients"][key], grads[key], f"gradients[{key!r}] after forward(X, y)",
                     hint="backpropagate: linear_backward, the activation's backward, linear_backward")
    checks.unchanged(X, got["X_after"], "the input X of forward")


@weight(1)
def test_two_layer_net_gradients_match_torch_autograd(impl):
    analytic = impl.probe(numpy_model_forward, MODEL, KWARGS, X, Y, weights=WEIGHTS)["gradients"]
    reference = torch_gradients(X, Y, WEIGHTS)
    for key in ("W1", "b1", "W2", "b2"):
        checks.close(analytic[key], reference[key], f"gradients[{key!r}] against torch autograd of the loss",
                     tol=1e-6, atol=1e-8, hint="the gradient of the mean cross-entropy only, with no regularization")


@weight(1)
def test_two_layer_net_uses_the_activation_it_is_given(impl):
    got = impl.probe(numpy_model_forward, MODEL, {**KWARGS, "activation": "relu"}, X, Y, weights=WEIGHTS)
    loss, _, grads = expected(X, Y, WEIGHTS, activation="relu")
    checks.close(got["loss"], loss, "the loss with activation='relu'",
                 hint="look the activation up by name in layers.activations")
    checks.close(got["gradients"]["W1"], grads["W1"], "gradients['W1'] with activation='relu'")


@weight(1)
def test_two_layer_net_predict_returns_the_class_with_the_largest_score(impl):
    w = {**WEIGHTS, "b2": np.array([0.0, 0.2])}
    scores = 1 / (1 + np.exp(-(X @ w["W1"] + w["b1"]))) @ w["W2"] + w["b2"]
    labels = checks.array(impl.probe(numpy_model_predict, MODEL, KWARGS, X, w), "predict(X)", shape=(3,), kind="iu")
    assert labels.tolist() == scores.argmax(axis=1).tolist(), (
        f"predict(X) returned {labels.tolist()}; expected {scores.argmax(axis=1).tolist()}")
