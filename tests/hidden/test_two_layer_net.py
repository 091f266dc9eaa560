"""Hidden tests of TwoLayerNet: torch as oracle for every activation, numeric gradients, initialization."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import assume, given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.training import (numpy_model_forward, numpy_model_init, numpy_model_predict,
                                            numpy_model_predict_keeping_inputs)
from tests.hidden.helpers import (ORACLES, check_gradients_of_the_last_pass, check_global_rngs_untouched,
                                  numeric_model_gradients)
from tests.hidden.strategies import gaussian, seeds

MODEL = "models.two_layer_net:TwoLayerNet"
ACTIVATIONS = ORACLES
KEYS = ("W1", "b1", "W2", "b2")
SMALL = {"input_size": 3, "hidden_size": 5, "num_classes": 4}


def oracle(X, y, w, activation):
    """Returns (loss, accuracy, gradients by key, scores, pre-activations) from torch autograd."""
    t = {k: torch.tensor(v, requires_grad=True) for k, v in w.items()}
    z1 = torch.tensor(X) @ t["W1"] + t["b1"]
    scores = ACTIVATIONS[activation](z1) @ t["W2"] + t["b2"]
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y))
    loss.backward()
    scores = scores.detach().numpy()
    return (loss.item(), np.mean(scores.argmax(axis=1) == y), {k: t[k].grad.numpy() for k in KEYS}, scores,
            z1.detach().numpy())


@st.composite
def problems(draw):
    n, d, h, c = draw(st.integers(1, 6)), draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(2, 4))
    seed = draw(seeds())
    w = {"W1": gaussian(seed, d, h), "b1": gaussian(seed + 1, h, scale=0.5),
         "W2": gaussian(seed + 2, h, c), "b2": gaussian(seed + 3, c, scale=0.5)}
    X = gaussian(seed + 4, n, d)
    y = np.random.default_rng(seed + 5).integers(0, c, n)
    return X, y, w, {"input_size": d, "hidden_size": h, "num_classes": c}


@weight(2)
@given(activation=st.sampled_from(list(ACTIVATIONS)), problem=problems())
def test_two_layer_net_matches_torch(impl, activation, problem):
    X, y, w, kwargs = problem
    loss, accuracy, grads, _, _ = oracle(X, y, w, activation)
    got = impl.probe(numpy_model_forward, MODEL, {**kwargs, "activation": activation}, X, y, weights=w)
    checks.close(got["loss"], loss, f"the loss with activation={activation!r}", reveal=False)
    checks.close(got["accuracy"], accuracy, f"the accuracy with activation={activation!r}", reveal=False)
    for key in KEYS:
        checks.close(got["gradients"][key], grads[key], f"gradients[{key!r}] with activation={activation!r}",
                     reveal=False, hint="the gradient is that of the data loss only: no regularization in the model")
    checks.unchanged(X, got["X_after"], "the input X of forward")


@weight(2)
@given(activation=st.sampled_from(list(ACTIVATIONS)), problem=problems())
def test_two_layer_net_gradients_match_numeric_gradients(impl, activation, problem):
    X, y, w, kwargs = problem
    if activation in ("relu", "leaky_relu"):
        assume(np.min(np.abs(X @ w["W1"] + w["b1"])) > 1e-3)  # keep centered differences away from the kink
    kwargs = {**kwargs, "activation": activation}
    analytic = impl.probe(numpy_model_forward, MODEL, kwargs, X, y, weights=w)["gradients"]
    numeric = numeric_model_gradients(impl, MODEL, kwargs, X, y, w)
    for key in KEYS:
        checks.close(analytic[key], numeric[key], f"gradients[{key!r}] against a numeric gradient "
                     f"(activation={activation!r})", tol=1e-6, atol=1e-8, reveal=False)


@weight(1)
@given(seed=st.integers(0, 2**31 - 1), scale=st.sampled_from([1e-3, 1e-2, 0.5]))
def test_two_layer_net_initialization_is_weight_scale_times_standard_normal(impl, seed, scale):
    kwargs = {"input_size": 80, "hidden_size": 60, "num_classes": 70, "weight_scale": scale, "seed": seed}
    got = impl.probe(numpy_model_init, MODEL, kwargs)
    for key, shape in (("W1", (80, 60)), ("W2", (60, 70))):
        w = checks.array(got["weights"][key], f"weights[{key!r}]", shape=shape)
        # 4,200 or more draws: the sample std is within 8% and the mean within 0.1 * scale (over 6 standard errors)
        assert abs(w.std() / scale - 1) < 0.08, f"weights[{key!r}] does not have standard deviation weight_scale"
        assert abs(w.mean()) < 0.1 * scale, f"weights[{key!r}] does not have mean 0"
    assert not np.allclose(got["weights"]["W1"].ravel()[:100], got["weights"]["W2"].ravel()[:100]), (
        "W1 and W2 start with the same numbers; draw both from one generator, one after the other")
    for key, size in (("b1", 60), ("b2", 70)):
        checks.close(got["weights"][key], np.zeros(size), f"weights[{key!r}] of a new network", reveal=False)
    for key in KEYS:
        checks.close(got["gradients"][key], np.zeros_like(got["weights"][key]), f"gradients[{key!r}] of a new network",
                     reveal=False)


@weight(1)
@given(seed=st.integers(0, 2**31 - 2))
def test_two_layer_net_seed_alone_decides_the_weights(impl, seed):
    kwargs = {"input_size": 5, "hidden_size": 4, "num_classes": 3, "seed": seed}
    a = impl.probe(numpy_model_init, MODEL, kwargs)["weights"]
    b = impl.probe(numpy_model_init, MODEL, kwargs)["weights"]
    c = impl.probe(numpy_model_init, MODEL, {**kwargs, "seed": seed + 1})["weights"]
    for key in ("W1", "W2"):
        checks.close(a[key], b[key], f"weights[{key!r}] of two networks built with the same seed", reveal=False)
        assert not np.allclose(a[key], c[key]), f"two different seeds gave the same weights[{key!r}]"


@weight(1)
@given(n=st.integers(1, 40), seed=seeds())
def test_two_layer_net_loss_at_initialization_is_log_of_class_count(impl, n, seed):
    X = gaussian(seed, n, 30)
    y = np.arange(n) % 6
    kwargs = {"input_size": 30, "hidden_size": 16, "num_classes": 6, "seed": seed % 1000}
    got = impl.probe(numpy_model_forward, MODEL, kwargs, X, y)
    assert abs(checks.number(got["loss"], "the initial loss") - np.log(6)) < 0.02, (
        "the loss of a freshly built network is not close to log(num_classes)")


@weight(1)
@given(activation=st.sampled_from(["sigmoid", "tanh", "relu"]), problem=problems())
def test_two_layer_net_predict_is_the_argmax_of_the_scores(impl, activation, problem):
    X, y, w, kwargs = problem
    scores = oracle(X, y, w, activation)[3]
    got = impl.probe(numpy_model_predict, MODEL, {**kwargs, "activation": activation}, X, w)
    labels = checks.array(got, "predict(X)", shape=(len(X),), kind="iu")
    assert np.array_equal(labels, scores.argmax(axis=1)), "predict(X) is not the argmax of the scores"


@weight(1)
def test_two_layer_net_handles_a_batch_of_one(impl):
    X = gaussian(7, 1, 4)
    y = np.array([2])
    w = {"W1": gaussian(8, 4, 3), "b1": gaussian(9, 3), "W2": gaussian(10, 3, 3), "b2": gaussian(11, 3)}
    loss, _, grads, _, _ = oracle(X, y, w, "tanh")
    got = impl.probe(numpy_model_forward, MODEL, {"input_size": 4, "hidden_size": 3, "num_classes": 3,
                                                  "activation": "tanh"}, X, y, weights=w)
    checks.close(got["loss"], loss, "the loss for a batch of one", reveal=False)
    for key in KEYS:
        checks.close(got["gradients"][key], grads[key], f"gradients[{key!r}] for a batch of one", reveal=False,
                     hint="db must keep its shape (C,) even for N = 1")


@weight(1)
def test_two_layer_net_defaults_are_seed_1024_and_weight_scale_1e_3_and_seed_0_is_a_seed_of_its_own(impl):
    kwargs = {"input_size": 5, "hidden_size": 4, "num_classes": 3}
    default = impl.probe(numpy_model_init, MODEL, kwargs)["weights"]
    explicit = impl.probe(numpy_model_init, MODEL, {**kwargs, "seed": 1024, "weight_scale": 1e-3})["weights"]
    zero = impl.probe(numpy_model_init, MODEL, {**kwargs, "seed": 0})["weights"]
    for key in ("W1", "W2"):
        checks.close(default[key], explicit[key], f"weights[{key!r}] built with the defaults against seed=1024 and "
                     "weight_scale=1e-3", reveal=False, hint="the defaults are weight_scale=1e-3 and seed=1024")
        assert not np.allclose(zero[key], explicit[key]), (
            f"seed=0 gave the weights[{key!r}] of the default seed 1024; seed=0 is a valid seed of its own")


@weight(1)
@pytest.mark.parametrize("mode", ["valid", "test"])
def test_two_layer_net_other_modes_only_evaluate(impl, mode):
    X = gaussian(12, 5, 4)
    y = np.array([0, 2, 1, 1, 0])
    w = {"W1": gaussian(13, 4, 3), "b1": gaussian(14, 3), "W2": gaussian(15, 3, 3), "b2": gaussian(16, 3)}
    kwargs = {"input_size": 4, "hidden_size": 3, "num_classes": 3, "activation": "tanh"}
    got = impl.probe(numpy_model_forward, MODEL, kwargs, X, y, mode=mode, weights=w)
    checks.close(got["loss"], oracle(X, y, w, "tanh")[0], f"the loss of forward in mode={mode!r}", reveal=False)
    for key in KEYS:
        checks.close(got["gradients"][key], np.zeros_like(w[key]), f"gradients[{key!r}] after forward in mode={mode!r}",
                     reveal=False, hint="only mode='train' stores gradients; any other mode only evaluates")
        checks.unchanged(w[key], got["weights"][key], f"weights[{key!r}] during forward in mode={mode!r}")
    checks.unchanged(X, got["X_after"], "the input X of forward")


@weight(1)
@given(activation=st.sampled_from(list(ACTIVATIONS)), problem=problems())
def test_two_layer_net_forward_leaves_the_weights_unchanged(impl, activation, problem):
    X, y, w, kwargs = problem
    got = impl.probe(numpy_model_forward, MODEL, {**kwargs, "activation": activation}, X, y, weights=w)
    for key in KEYS:
        checks.unchanged(w[key], got["weights"][key], f"weights[{key!r}] during forward(X, y, mode='train')")
    checks.unchanged(X, got["X_after"], "the input X of forward")


@weight(1)
@pytest.mark.parametrize("mode", ["train", "valid"])
@given(activation=st.sampled_from(list(ACTIVATIONS)), problem=problems())
def test_two_layer_net_forward_and_predict_leave_their_inputs_unchanged(impl, mode, activation, problem):
    """forward keeps the labels y and predict keeps X and the weights: neither changes an input in place."""
    X, y, w, kwargs = problem
    kwargs = {**kwargs, "activation": activation}
    got = impl.probe(numpy_model_forward, MODEL, kwargs, X, y.copy(), mode=mode, weights=w)
    checks.unchanged(y, got["y_after"], f"the input y of forward(X, y, mode={mode!r})")
    got = impl.probe(numpy_model_predict_keeping_inputs, MODEL, kwargs, X.copy(),
                     weights={key: value.copy() for key, value in w.items()})
    checks.unchanged(X, got["X_after"], "the input X of predict")
    for key in KEYS:
        checks.unchanged(w[key], got["weights_after"][key], f"weights[{key!r}] during predict")


@weight(1)
def test_two_layer_net_gradients_are_those_of_the_last_training_pass(impl):
    """two-layer net gradients are those of the last training pass.

    Two training passes on one model leave the gradients of the second batch alone (nothing adds up across
    calls), and an evaluation keeps them."""
    first = (gaussian(5, 6, 3), np.array([0, 1, 2, 3, 0, 1]))
    second = (gaussian(6, 4, 3), np.array([3, 3, 1, 0]))
    weights = {"W1": gaussian(1, 3, 5), "b1": gaussian(2, 5), "W2": gaussian(3, 5, 4), "b2": gaussian(4, 4)}
    check_gradients_of_the_last_pass(impl, MODEL, SMALL, weights, first, second, "TwoLayerNet")


@weight(1)
@pytest.mark.parametrize("seed", [0, 7])
def test_two_layer_net_seed_leaves_the_global_random_states_alone(impl, seed):
    """Building the model draws from its own Generator: the global random states stay as they were."""
    check_global_rngs_untouched(impl, MODEL, [], {**SMALL, "seed": seed}, part="weights",
                                what=f"TwoLayerNet(..., seed={seed})")
