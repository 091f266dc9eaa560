"""Public tests of layers/losses.py: softmax, the numpy losses and their gradients, the torch losses."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.losses import torch_loss

MOD = "layers.losses"
Z = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
Y = np.array([2, 0])
# a square input whose rows have different maxima: a row maximum taken without keepdims=True
# broadcasts along the wrong axis here instead of raising an error
SQUARE = np.array([[3.0, 1.0, 0.0], [0.0, 5.0, 1.0], [2.0, -1.0, 0.5]])
STABLE_HINT = "subtract the row maximum (np.max(z, axis=-1, keepdims=True)) before exp"
BCE_HINT = "use max(z, 0) - z * y + log(1 + exp(-|z|)), which never takes exp of a large number"
LOG_HINT = "compute log-softmax as (z - max) - log(sum(exp(z - max))), not log(softmax(z) + eps)"


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _onehot(y, c):
    return np.eye(c)[y]


@weight(1)
def test_softmax_matches_hand_computed_values(impl):
    """numpy softmax matches hand-computed values."""
    expected = np.array([[np.exp(-2), np.exp(-1), 1.0], [1.0, 1.0, 1.0]])
    expected /= expected.sum(axis=1, keepdims=True)
    checks.close(impl.call(f"{MOD}:softmax", Z), expected, "softmax(z)",
                 hint="normalize over the last axis (classes), one row per sample")


@weight(1)
def test_softmax_of_a_square_input_normalizes_each_row(impl):
    """numpy softmax of a square input normalizes each row."""
    checks.close(impl.call(f"{MOD}:softmax", SQUARE), _softmax(SQUARE), "softmax(z) for a 3x3 z",
                 hint="use keepdims=True for the row maximum and the row sum, so they broadcast over columns")


@weight(1)
def test_softmax_is_stable_for_large_logits(impl):
    """numpy softmax is stable for large logits."""
    z = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, 1000.0]])
    checks.close(impl.call(f"{MOD}:softmax", z), [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
                 "softmax(z) for logits of magnitude 1000", hint=STABLE_HINT)


@weight(1)
def test_log_softmax_matches_hand_computed_values(impl):
    """numpy log softmax matches hand-computed values."""
    checks.close(impl.call(f"{MOD}:log_softmax", Z), np.log(_softmax(Z)), "log_softmax(z)")


@weight(1)
def test_log_softmax_is_finite_far_below_the_maximum(impl):
    """numpy log softmax is finite far below the maximum."""
    z = np.array([[0.0, -1000.0, 1000.0]])
    checks.close(impl.call(f"{MOD}:log_softmax", z), [[-1000.0, -2000.0, 0.0]],
                 "log_softmax(z) for logits 1000 apart", hint=LOG_HINT)


@weight(1)
def test_cross_entropy_of_uniform_scores_is_log_of_the_class_count(impl):
    """numpy cross entropy of uniform scores is the log of the class count."""
    loss, dz = impl.call(f"{MOD}:cross_entropy", np.zeros((2, 3)), np.array([0, 2]))
    checks.close(loss, np.log(3.0), "the loss of cross_entropy(zeros((2, 3)), y)",
                 hint="the loss is the mean over N of -log softmax(z)[i, y_i]")
    checks.close(dz, (1 / 3 - _onehot([0, 2], 3)) / 2, "dz of cross_entropy(zeros((2, 3)), y)",
                 hint="dz = (softmax(z) - onehot(y)) / N")


@weight(2)
def test_cross_entropy_matches_hand_computed_loss_and_gradient(impl):
    """numpy cross entropy matches the hand-computed loss and gradient."""
    loss, dz = impl.call(f"{MOD}:cross_entropy", Z, Y)
    p = _softmax(Z)
    checks.close(loss, -np.mean(np.log(p[[0, 1], Y])), "the loss of cross_entropy(z, y)",
                 hint="average -log softmax(z)[i, y_i] over the N samples (mean, not sum)")
    checks.close(dz, (p - _onehot(Y, 3)) / 2, "dz of cross_entropy(z, y)",
                 hint="dz = (softmax(z) - onehot(y)) / N: divide by the batch size")


@weight(1)
def test_cross_entropy_picks_the_true_class_of_each_row(impl):
    """numpy cross entropy picks the true class of each row."""
    y = np.array([1, 2, 0])
    loss, dz = impl.call(f"{MOD}:cross_entropy", SQUARE, y)
    p = _softmax(SQUARE)
    checks.close(loss, -np.mean(np.log(p[[0, 1, 2], y])), "the loss of cross_entropy for a 3x3 z",
                 hint="row i contributes -log softmax(z)[i, y[i]]: index z[np.arange(N), y]")
    checks.close(dz, (p - _onehot(y, 3)) / 3, "dz of cross_entropy for a 3x3 z")


@weight(1)
def test_cross_entropy_is_finite_when_the_true_class_is_far_below(impl):
    """numpy cross entropy is finite when the true class is far below."""
    z = np.array([[0.0, 1000.0], [1000.0, 0.0], [-500.0, 500.0]])
    loss, dz = impl.call(f"{MOD}:cross_entropy", z, np.array([0, 1, 0]))
    checks.close(loss, 1000.0, "the loss of cross_entropy when the true class is 1000 below the others",
                 hint=LOG_HINT)
    checks.close(dz, [[-1 / 3, 1 / 3], [1 / 3, -1 / 3], [-1 / 3, 1 / 3]],
                 "dz of cross_entropy when the true class is 1000 below the others", hint=STABLE_HINT)


@weight(1)
def test_binary_cross_entropy_matches_formula(impl):
    """numpy binary cross entropy matches the formula."""
    z = np.array([-2.0, -0.5, 0.5, 3.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    loss, dz = impl.call(f"{MOD}:binary_cross_entropy", z, y)
    s = 1 / (1 + np.exp(-z))
    checks.close(loss, -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s)), "the loss of binary_cross_entropy(z, y)")
    checks.close(dz, (s - y) / 4, "dz of binary_cross_entropy(z, y)", hint="dz = (sigmoid(z) - y) / N")


@weight(1)
def test_binary_cross_entropy_is_stable_for_large_logits(impl):
    """numpy binary cross entropy is stable for large logits."""
    z = np.array([-1000.0, 1000.0, -1000.0, 1000.0])
    loss, dz = impl.call(f"{MOD}:binary_cross_entropy", z, np.array([1.0, 0.0, 0.0, 1.0]))
    checks.close(loss, 500.0, "the loss of binary_cross_entropy for logits of magnitude 1000", hint=BCE_HINT)
    checks.close(dz, [-0.25, 0.25, 0.0, 0.0], "dz of binary_cross_entropy for logits of magnitude 1000",
                 hint=BCE_HINT)


@weight(1)
def test_mse_averages_over_all_elements(impl):
    """numpy mse averages over all elements."""
    pred = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]])
    target = np.array([[1.0, 0.0, 2.0], [1.0, 1.0, 4.0]])
    loss, dpred = impl.call(f"{MOD}:mse", pred, target)
    checks.close(loss, (0 + 4 + 1 + 1 + 4 + 0) / 6, "the loss of mse(pred, target)",
                 hint="mean over all N * D elements")
    checks.close(dpred, 2 * (pred - target) / 6, "dpred of mse(pred, target)",
                 hint="dpred = 2 (pred - target) / pred.size")


INPUTS = {
    "softmax": [Z],
    "log_softmax": [Z],
    "cross_entropy": [Z, Y],
    "binary_cross_entropy": [np.array([-1.0, 2.0]), np.array([1.0, 0.0])],
    "mse": [Z, np.ones((2, 3))],
}


@weight(1)
@pytest.mark.parametrize("name", list(INPUTS))
def test_loss_does_not_modify_its_inputs(impl, name):
    """numpy loss does not modify its inputs."""
    got = impl.call_keeping_inputs(f"{MOD}:{name}", *[a.copy() for a in INPUTS[name]])
    for k, (before, after) in enumerate(zip(INPUTS[name], got["args_after"])):
        checks.unchanged(before, after, f"argument {k} of {name}")


@weight(1)
def test_torch_cross_entropy_loss_matches_formula(impl):
    got = impl.probe(torch_loss, f"{MOD}:cross_entropy_loss", [Z, Y])
    p = _softmax(Z)
    checks.close(got["loss"], -np.mean(np.log(p[[0, 1], Y])), "cross_entropy_loss(logits, y)",
                 hint="return a scalar tensor: the mean over the batch")
    checks.close(got["grads"][0], (p - _onehot(Y, 3)) / 2, "the autograd gradient of cross_entropy_loss")


@weight(1)
def test_torch_binary_cross_entropy_loss_matches_formula(impl):
    z = np.array([-2.0, -0.5, 0.5, 3.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    got = impl.probe(torch_loss, f"{MOD}:binary_cross_entropy_loss", [z, y])
    s = 1 / (1 + np.exp(-z))
    checks.close(got["loss"], -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s)), "binary_cross_entropy_loss(z, y)")
    checks.close(got["grads"][0], (s - y) / 4, "the autograd gradient of binary_cross_entropy_loss")


@weight(1)
def test_torch_binary_cross_entropy_gradient_at_a_logit_of_zero(impl):
    """torch binary cross entropy gradient at a logit of zero is (1/2 - y) / N.

    A zero-initialized model's logits are exactly 0, where max(z, 0) and |z| have kinks: the gradient must still
    be sigmoid(0) - y = 1/2 - y, over N."""
    z, y = np.zeros(4), np.array([0.0, 1.0, 1.0, 0.0])
    got = impl.probe(torch_loss, f"{MOD}:binary_cross_entropy_loss", [z, y])
    checks.close(got["grads"][0], (0.5 - y) / 4, "the autograd gradient of binary_cross_entropy_loss at z = 0",
                 hint="torch.clamp(z, min=0) has slope 1 at 0 and z.abs() slope 0, which do not cancel: write "
                      "max(z, 0) as (z + z.abs()) / 2 (slope 1/2), or use torch.maximum(z, torch.zeros_like(z))")


@weight(1)
def test_torch_mse_loss_matches_formula(impl):
    pred = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]])
    target = np.array([[1.0, 0.0, 2.0], [1.0, 1.0, 4.0]])
    got = impl.probe(torch_loss, f"{MOD}:mse_loss", [pred, target])
    checks.close(got["loss"], 10 / 6, "mse_loss(pred, target)", hint="mean over all elements")
    checks.close(got["grads"][0], 2 * (pred - target) / 6, "the autograd gradient of mse_loss")


LARGE_FLOAT32 = {
    "cross_entropy_loss": ([np.array([[0.0, 1000.0], [1000.0, 0.0]], dtype=np.float32), np.array([0, 0])],
                           "subtract the row maximum (logits.max(dim=1, keepdim=True).values) before exp"),
    "binary_cross_entropy_loss": ([np.array([-1000.0, 1000.0], dtype=np.float32),
                                   np.array([1.0, 1.0], dtype=np.float32)], BCE_HINT),
}


@weight(1)
@pytest.mark.parametrize("name", list(LARGE_FLOAT32))
def test_torch_loss_is_stable_for_float32_logits_of_magnitude_1000(impl, name):
    args, hint = LARGE_FLOAT32[name]
    got = impl.probe(torch_loss, f"{MOD}:{name}", args)
    checks.allclose(got["loss"], 500.0, f"{name} for float32 logits of magnitude 1000", hint=hint)
    checks.array(got["grads"][0], f"the autograd gradient of {name} for float32 logits of magnitude 1000")
