"""Hidden tests of SoftmaxRegression: torch as oracle, numeric gradients, initialization statistics."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import assume, given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.training import (numpy_model_forward, numpy_model_init, numpy_model_predict,
                                            numpy_model_predict_keeping_inputs)
from tests.hidden.helpers import check_gradients_of_the_last_pass, check_global_rngs_untouched, numeric_model_gradients
from tests.hidden.strategies import gaussian, seeds

MODEL = "models.softmax_regression:SoftmaxRegression"


def oracle(X, W1, y):
    """Returns (loss, accuracy, dW1, pre-activations) from torch autograd."""
    W = torch.tensor(W1, requires_grad=True)
    z = torch.tensor(X) @ W
    scores = torch.relu(z)
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y))
    loss.backward()
    accuracy = (scores.argmax(dim=1).numpy() == y).mean()
    return loss.item(), accuracy, W.grad.numpy(), z.detach().numpy()


def untied(scores):
    """Returns a mask of the rows whose largest score is unique (ReLU makes ties at 0 common)."""
    top2 = np.sort(scores, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0] > 1e-9


@st.composite
def problems(draw, scale=1.0):
    n, d, c = draw(st.integers(1, 8)), draw(st.integers(1, 6)), draw(st.integers(2, 5))
    seed = draw(seeds())
    X = gaussian(seed, n, d)
    W1 = gaussian(seed + 1, d, c, scale=scale)
    y = np.random.default_rng(seed + 2).integers(0, c, n)
    return X, W1, y


@weight(2)
@given(problem=problems())
def test_softmax_regression_matches_torch(impl, problem):
    X, W1, y = problem
    loss, accuracy, dW1, z = oracle(X, W1, y)
    got = impl.probe(numpy_model_forward, MODEL, {"input_size": X.shape[1], "num_classes": W1.shape[1]}, X, y,
                     weights={"W1": W1})
    checks.close(got["loss"], loss, "the loss of forward", reveal=False)
    if untied(np.maximum(z, 0)).all():  # rows whose largest scores tie may be classified either way
        checks.close(got["accuracy"], accuracy, "the accuracy of forward", reveal=False)
    checks.close(got["gradients"]["W1"], dW1, "gradients['W1']", reveal=False,
                 hint="the gradient is that of the data loss only: no regularization in the model")
    checks.unchanged(X, got["X_after"], "the input X of forward")


@weight(2)
@given(problem=problems())
def test_softmax_regression_gradient_matches_numeric_gradient(impl, problem):
    X, W1, y = problem
    assume(np.min(np.abs(X @ W1)) > 1e-3)  # keep centered differences away from the ReLU kink
    kwargs = {"input_size": X.shape[1], "num_classes": W1.shape[1]}
    analytic = impl.probe(numpy_model_forward, MODEL, kwargs, X, y, weights={"W1": W1})["gradients"]["W1"]
    numeric = numeric_model_gradients(impl, MODEL, kwargs, X, y, {"W1": W1})["W1"]
    checks.close(analytic, numeric, "gradients['W1'] against a numeric gradient", tol=1e-6, atol=1e-8, reveal=False)


@weight(1)
@given(seed=st.integers(0, 2**31 - 1))
def test_softmax_regression_initialization_is_0_001_times_standard_normal(impl, seed):
    w = impl.probe(numpy_model_init, MODEL, {"input_size": 120, "num_classes": 50, "seed": seed})["weights"]["W1"]
    w = checks.array(w, "weights['W1']", shape=(120, 50))
    # 6,000 draws: the sample std is within 7% and the mean within 8e-5 (over 6 standard errors)
    assert 0.00093 < w.std() < 0.00107, "weights['W1'] does not have standard deviation 0.001"
    assert abs(w.mean()) < 8e-5, "weights['W1'] does not have mean 0"
    assert abs(np.mean(np.abs(w)) - 0.001 * np.sqrt(2 / np.pi)) < 5e-5, "weights['W1'] are not normally distributed"


@weight(1)
@given(seed=st.integers(0, 2**31 - 2))
def test_softmax_regression_seed_alone_decides_the_weights(impl, seed):
    kwargs = {"input_size": 6, "num_classes": 4, "seed": seed}
    a = impl.probe(numpy_model_init, MODEL, kwargs)["weights"]["W1"]
    b = impl.probe(numpy_model_init, MODEL, kwargs)["weights"]["W1"]
    c = impl.probe(numpy_model_init, MODEL, {**kwargs, "seed": seed + 1})["weights"]["W1"]
    checks.close(a, b, "weights of two models built with the same seed", reveal=False)
    assert not np.allclose(a, c), "two different seeds gave the same weights"


@weight(1)
def test_softmax_regression_gradients_start_at_zero_with_the_weights_shape(impl):
    got = impl.probe(numpy_model_init, MODEL, {"input_size": 7, "num_classes": 3, "seed": 0})
    checks.close(got["gradients"]["W1"], np.zeros((7, 3)), "gradients['W1'] of a new model", reveal=False)


@weight(1)
@given(n=st.integers(1, 40), seed=seeds())
def test_softmax_regression_loss_at_initialization_is_log_of_class_count(impl, n, seed):
    X = gaussian(seed, n, 30)
    c = 7
    y = np.arange(n) % c
    got = impl.probe(numpy_model_forward, MODEL, {"input_size": 30, "num_classes": c, "seed": seed % 1000}, X, y)
    assert abs(checks.number(got["loss"], "the initial loss") - np.log(c)) < 0.02, (
        "the loss of a freshly built model is not close to log(num_classes)")


@weight(1)
@given(problem=problems(scale=3.0))
def test_softmax_regression_predict_is_the_argmax_of_relu_scores(impl, problem):
    X, W1, y = problem
    scores = np.maximum(X @ W1, 0)
    got = impl.probe(numpy_model_predict, MODEL, {"input_size": X.shape[1], "num_classes": W1.shape[1]}, X,
                     {"W1": W1})
    labels = checks.array(got, "predict(X)", shape=(len(X),), kind="iu")
    rows = untied(scores)
    assert np.array_equal(labels[rows], scores.argmax(axis=1)[rows]), "predict(X) is not the argmax of the scores"


@weight(1)
def test_softmax_regression_valid_mode_returns_the_same_loss(impl):
    X = gaussian(3, 6, 4)
    W1 = gaussian(4, 4, 3)
    y = np.array([0, 1, 2, 0, 1, 2])
    kwargs = {"input_size": 4, "num_classes": 3}
    train = impl.probe(numpy_model_forward, MODEL, kwargs, X, y, mode="train", weights={"W1": W1})
    valid = impl.probe(numpy_model_forward, MODEL, kwargs, X, y, mode="valid", weights={"W1": W1})
    checks.close(valid["loss"], oracle(X, W1, y)[0], "the loss of forward in mode='valid'", reveal=False)
    checks.close(valid["loss"], train["loss"], "the loss of forward in mode='valid' against mode='train'",
                 reveal=False)


@weight(1)
def test_softmax_regression_default_seed_is_1024_and_seed_0_is_a_seed_of_its_own(impl):
    kwargs = {"input_size": 6, "num_classes": 4}
    default = impl.probe(numpy_model_init, MODEL, kwargs)["weights"]["W1"]
    seeded = impl.probe(numpy_model_init, MODEL, {**kwargs, "seed": 1024})["weights"]["W1"]
    zero = impl.probe(numpy_model_init, MODEL, {**kwargs, "seed": 0})["weights"]["W1"]
    checks.close(default, seeded, "weights['W1'] built without a seed against seed=1024", reveal=False,
                 hint="the default seed is 1024")
    assert not np.allclose(zero, seeded), (
        "seed=0 gave the weights of the default seed 1024; seed=0 is a valid seed of its own")


@weight(1)
@pytest.mark.parametrize("mode", ["valid", "test"])
def test_softmax_regression_other_modes_only_evaluate(impl, mode):
    X = gaussian(5, 6, 4)
    W1 = gaussian(6, 4, 3)
    y = np.array([0, 1, 2, 0, 1, 2])
    got = impl.probe(numpy_model_forward, MODEL, {"input_size": 4, "num_classes": 3}, X, y, mode=mode,
                     weights={"W1": W1})
    checks.close(got["loss"], oracle(X, W1, y)[0], f"the loss of forward in mode={mode!r}", reveal=False)
    checks.close(got["gradients"]["W1"], np.zeros((4, 3)), f"gradients['W1'] after forward in mode={mode!r}",
                 reveal=False, hint="only mode='train' stores gradients; any other mode only evaluates")
    checks.unchanged(W1, got["weights"]["W1"], f"weights['W1'] during forward in mode={mode!r}")
    checks.unchanged(X, got["X_after"], "the input X of forward")


@weight(1)
@given(problem=problems())
def test_softmax_regression_forward_leaves_the_weights_unchanged(impl, problem):
    X, W1, y = problem
    got = impl.probe(numpy_model_forward, MODEL, {"input_size": X.shape[1], "num_classes": W1.shape[1]}, X, y,
                     weights={"W1": W1})
    checks.unchanged(W1, got["weights"]["W1"], "weights['W1'] during forward(X, y, mode='train')")
    checks.unchanged(X, got["X_after"], "the input X of forward")


@weight(1)
@pytest.mark.parametrize("mode", ["train", "valid"])
@given(problem=problems())
def test_softmax_regression_forward_and_predict_leave_their_inputs_unchanged(impl, mode, problem):
    """forward keeps the labels y and predict keeps X and the weights: neither changes an input in place."""
    X, W1, y = problem
    kwargs = {"input_size": X.shape[1], "num_classes": W1.shape[1]}
    got = impl.probe(numpy_model_forward, MODEL, kwargs, X, y.copy(), mode=mode, weights={"W1": W1})
    checks.unchanged(y, got["y_after"], f"the input y of forward(X, y, mode={mode!r})")
    got = impl.probe(numpy_model_predict_keeping_inputs, MODEL, kwargs, X.copy(), weights={"W1": W1.copy()})
    checks.unchanged(X, got["X_after"], "the input X of predict")
    checks.unchanged(W1, got["weights_after"]["W1"], "weights['W1'] during predict")


@weight(1)
def test_softmax_regression_gradients_are_those_of_the_last_training_pass(impl):
    """softmax regression gradients are those of the last training pass.

    Two training passes on one model leave the gradients of the second batch alone (nothing adds up across
    calls), and an evaluation keeps them."""
    first = (gaussian(5, 6, 3), np.array([0, 1, 2, 3, 0, 1]))
    second = (gaussian(6, 4, 3), np.array([3, 3, 1, 0]))
    check_gradients_of_the_last_pass(impl, MODEL, {"input_size": 3, "num_classes": 4}, {"W1": gaussian(1, 3, 4)},
                                     first, second, "SoftmaxRegression")


@weight(1)
@pytest.mark.parametrize("seed", [0, 7])
def test_softmax_regression_seed_leaves_the_global_random_states_alone(impl, seed):
    """Building the model draws from its own Generator: the global random states stay as they were."""
    check_global_rngs_untouched(impl, MODEL, [], {"input_size": 3, "num_classes": 4, "seed": seed}, part="weights",
                                what=f"SoftmaxRegression(..., seed={seed})")


@weight(1)
def test_softmax_regression_gradient_at_zero_weights_uses_relu_slope_zero_at_zero(impl):
    """softmax regression gradient at zero weights uses the ReLU slope 0 at 0.

    With W1 = 0 (a zero initialization) every score sits at the ReLU kink: the derivative there is 0 (SPEC), so
    gradients['W1'] is torch's, exactly 0; a half-zero W1 puts some scores at the kink and some past it."""
    X, y = gaussian(8, 5, 3), np.array([0, 2, 1, 3, 0])
    for W1 in (np.zeros((3, 4)), np.concatenate([np.zeros((3, 2)), gaussian(9, 3, 2)], axis=1)):
        _, _, dW1, _ = oracle(X, W1, y)
        got = impl.probe(numpy_model_forward, MODEL, {"input_size": 3, "num_classes": 4}, X, y, weights={"W1": W1})
        checks.close(got["gradients"]["W1"], dW1, "gradients['W1'] with scores exactly at the ReLU kink (X @ W1 = 0)",
                     reveal=False, hint="the derivative of ReLU at 0 is 0: backpropagate through z > 0, not z >= 0")
