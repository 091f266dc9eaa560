"""Hidden tests of layers/losses.py: torch as oracle, numeric gradients, huge logits, square and one-row batches."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from grader.testkit import checks
from grader.testkit.probes.losses import torch_loss
from tests.hidden.helpers import numeric_loss_gradient
from tests.hidden.strategies import float_arrays, gaussian, seeds

MOD = "layers.losses"
BOUNDS = [10.0, 1e3, 1e4]
# "square" (N == C) exposes a row maximum or sum taken without keepdims and labels indexed as z[y, arange(N)];
# the other kinds have N != C
SHAPE_KINDS = ["one_sample", "square", "non_square"]


@st.composite
def scores_and_labels(draw, kind="non_square", bounds=tuple(BOUNDS), dtype=np.float64):
    """(z, y): scores (N, C) of the given shape kind with entries up to a drawn bound, labels (N,) in [0, C)."""
    if kind == "one_sample":
        n, c = 1, draw(st.integers(2, 6))
    elif kind == "square":
        n = c = draw(st.integers(2, 6))
    else:
        n = draw(st.integers(2, 6))
        c = draw(st.integers(2, 6).filter(lambda c: c != n))
    z = draw(float_arrays(shape=(n, c), bound=draw(st.sampled_from(bounds)), dtype=dtype))
    y = draw(arrays(np.int64, n, elements=st.integers(0, c - 1)))
    return z, y


@st.composite
def logits_and_targets(draw, bounds=tuple(BOUNDS), dtype=np.float64):
    """(z, y): logits (N,) with entries up to a drawn bound and targets (N,) of 0s and 1s."""
    n = draw(st.integers(1, 6))
    z = draw(float_arrays(shape=(n,), bound=draw(st.sampled_from(bounds)), dtype=dtype))
    y = draw(arrays(dtype, n, elements=st.sampled_from([0.0, 1.0])))
    return z, y


@st.composite
def pred_and_target(draw, bound=10.0, dtype=np.float64):
    """(pred, target): two arrays of one shape (N, D[, E]) with D > 1, so that size != N."""
    shape = (draw(st.integers(1, 5)), draw(st.integers(2, 5)), *draw(st.lists(st.integers(1, 3), max_size=1)))
    return (draw(float_arrays(shape=shape, bound=bound, dtype=dtype)),
            draw(float_arrays(shape=shape, bound=bound, dtype=dtype)))


def with_grad(fn, first, *rest):
    """Returns (fn(first, *rest), d fn / d first) computed by torch in float64."""
    t = torch.tensor(first, dtype=torch.float64, requires_grad=True)
    out = fn(t, *[torch.tensor(r, dtype=torch.float64 if r.dtype.kind == "f" else torch.int64) for r in rest])
    out.backward()
    return out.item(), t.grad.numpy()


def torch_softmax(z, log=False):
    t = torch.tensor(z, dtype=torch.float64)
    return (torch.log_softmax(t, dim=-1) if log else torch.softmax(t, dim=-1)).numpy()


@weight(2)
@pytest.mark.parametrize("kind", SHAPE_KINDS)
@given(data=st.data())
def test_softmax_matches_torch(impl, kind, data):
    """numpy softmax matches torch."""
    z, _ = data.draw(scores_and_labels(kind))
    got = impl.call_keeping_inputs(f"{MOD}:softmax", z)
    checks.close(got["out"], torch_softmax(z), f"softmax ({kind.replace('_', ' ')} input)", reveal=False)
    checks.unchanged(z, got["args_after"][0], "the input of softmax")


@weight(1)
@given(z=float_arrays(max_dims=3, bound=1e4))
def test_softmax_rows_are_probabilities_over_the_last_axis(impl, z):
    """numpy softmax rows are probabilities over the last axis."""
    p = checks.array(impl.call(f"{MOD}:softmax", z), "softmax(z)", shape=z.shape)
    if np.any(p < 0):
        raise AssertionError("softmax(z) has negative entries")
    checks.close(p.sum(axis=-1), np.ones(z.shape[:-1]), "the sums of softmax(z) over the last axis", reveal=False,
                 hint="normalize over the last axis (axis=-1, keepdims=True)")


@weight(1)
@given(z=float_arrays(min_dims=2, max_dims=2, bound=10.0), data=st.data())
def test_softmax_is_invariant_to_row_shifts(impl, z, data):
    """numpy softmax is invariant to row shifts."""
    shift = data.draw(float_arrays(shape=(z.shape[0], 1), bound=1e3))
    base = impl.call(f"{MOD}:softmax", z)
    shifted = impl.call(f"{MOD}:softmax", z + shift)
    checks.close(shifted, base, "softmax(z + c) for a per-row constant c", reveal=False,
                 hint="subtract the row maximum before exp so that large scores do not overflow")


@weight(2)
@given(z=float_arrays(max_dims=3, bound=1e4))
def test_log_softmax_matches_torch(impl, z):
    """numpy log softmax matches torch."""
    got = impl.call_keeping_inputs(f"{MOD}:log_softmax", z)
    checks.close(got["out"], torch_softmax(z, log=True), "log_softmax", reveal=False,
                 hint="log_softmax(z) = (z - max) - log(sum(exp(z - max))) over the last axis")
    checks.unchanged(z, got["args_after"][0], "the input of log_softmax")


@weight(2)
@pytest.mark.parametrize("kind", SHAPE_KINDS)
@given(data=st.data())
def test_cross_entropy_matches_torch(impl, kind, data):
    """numpy cross entropy matches torch."""
    z, y = data.draw(scores_and_labels(kind))
    got = impl.call_keeping_inputs(f"{MOD}:cross_entropy", z, y)
    loss, dz = got["out"]
    expected_loss, expected_dz = with_grad(F.cross_entropy, z, y)
    what = f"cross_entropy ({kind.replace('_', ' ')} input)"
    checks.close(loss, expected_loss, f"the loss of {what}", reveal=False)
    checks.close(dz, expected_dz, f"dz of {what}", reveal=False)
    checks.unchanged(z, got["args_after"][0], "the scores z given to cross_entropy")


@weight(2)
@given(seed=seeds(), n=st.integers(1, 4), c=st.integers(2, 5))
def test_cross_entropy_gradient_matches_numeric_gradient(impl, seed, n, c):
    """numpy cross entropy gradient matches the numeric gradient."""
    z = gaussian(seed, n, c, scale=3.0)
    y = np.random.default_rng(seed + 1).integers(0, c, n)
    _, dz = impl.call(f"{MOD}:cross_entropy", z, y)
    numeric = numeric_loss_gradient(impl, f"{MOD}:cross_entropy", [z, y])
    checks.close(dz, numeric, "dz of cross_entropy against a numeric gradient of its loss", tol=1e-6, atol=1e-8,
                 reveal=False, hint="dz = (softmax(z) - onehot(y)) / N")


@weight(2)
@given(seed=seeds(), n=st.integers(1, 4), c=st.integers(2, 5), gap=st.floats(1e3, 1e4))
def test_cross_entropy_is_exact_when_the_true_class_is_far_below(impl, seed, n, c, gap):
    """numpy cross entropy is exact when the true class is far below."""
    z = gaussian(seed, n, c)
    y = np.random.default_rng(seed + 1).integers(0, c, n)
    z[np.arange(n), y] -= gap
    loss, dz = impl.call(f"{MOD}:cross_entropy", z, y)
    expected_loss, expected_dz = with_grad(F.cross_entropy, z, y)
    hint = "use log_softmax = (z - max) - log(sum(exp(z - max))), not log(softmax(z) + eps)"
    checks.close(loss, expected_loss, "the loss of cross_entropy when the true class is 1e3 or more below the others",
                 reveal=False, hint=hint)
    checks.close(dz, expected_dz, "dz of cross_entropy when the true class is 1e3 or more below the others",
                 reveal=False)


@weight(2)
@given(data=logits_and_targets())
def test_binary_cross_entropy_matches_torch(impl, data):
    """numpy binary cross entropy matches torch."""
    z, y = data
    got = impl.call_keeping_inputs(f"{MOD}:binary_cross_entropy", z, y)
    loss, dz = got["out"]
    expected_loss, expected_dz = with_grad(F.binary_cross_entropy_with_logits, z, y)
    hint = "use max(z, 0) - z * y + log(1 + exp(-|z|)) and a sigmoid that never takes exp of a large number"
    checks.close(loss, expected_loss, "the loss of binary_cross_entropy", reveal=False, hint=hint)
    checks.close(dz, expected_dz, "dz of binary_cross_entropy", reveal=False, hint=hint)
    checks.unchanged(z, got["args_after"][0], "the logits z given to binary_cross_entropy")


@weight(1)
@given(seed=seeds(), n=st.integers(1, 6))
def test_binary_cross_entropy_gradient_matches_numeric_gradient(impl, seed, n):
    """numpy binary cross entropy gradient matches the numeric gradient."""
    z = gaussian(seed, n, scale=3.0)
    y = np.random.default_rng(seed + 1).integers(0, 2, n).astype(np.float64)
    _, dz = impl.call(f"{MOD}:binary_cross_entropy", z, y)
    numeric = numeric_loss_gradient(impl, f"{MOD}:binary_cross_entropy", [z, y])
    checks.close(dz, numeric, "dz of binary_cross_entropy against a numeric gradient of its loss", tol=1e-6,
                 atol=1e-8, reveal=False)


@weight(2)
@given(data=pred_and_target())
def test_mse_matches_torch(impl, data):
    """numpy mse matches torch."""
    pred, target = data
    got = impl.call_keeping_inputs(f"{MOD}:mse", pred, target)
    loss, dpred = got["out"]
    expected_loss, expected_dpred = with_grad(F.mse_loss, pred, target)
    checks.close(loss, expected_loss, "the loss of mse", reveal=False, hint="average over all elements")
    checks.close(dpred, expected_dpred, "dpred of mse", reveal=False, hint="dpred = 2 (pred - target) / pred.size")
    checks.unchanged(pred, got["args_after"][0], "the input pred of mse")
    checks.unchanged(target, got["args_after"][1], "the input target of mse")


@weight(1)
@given(seed=seeds(), n=st.integers(1, 4), d=st.integers(2, 4))
def test_mse_gradient_matches_numeric_gradient(impl, seed, n, d):
    """numpy mse gradient matches the numeric gradient."""
    pred, target = gaussian(seed, n, d), gaussian(seed + 1, n, d)
    _, dpred = impl.call(f"{MOD}:mse", pred, target)
    numeric = numeric_loss_gradient(impl, f"{MOD}:mse", [pred, target])
    checks.close(dpred, numeric, "dpred of mse against a numeric gradient of its loss", tol=1e-6, atol=1e-8,
                 reveal=False)


def check_torch_loss(impl, name, oracle, inputs, dtype):
    """Compares the torch loss ``name`` and its autograd gradient with ``oracle`` (evaluated in float64)."""
    got = impl.probe(torch_loss, f"{MOD}:{name}", inputs)
    expected_loss, expected_grad = with_grad(oracle, *inputs)
    label = f"{name} ({np.dtype(dtype).name} input)"
    if dtype == np.float64:
        checks.close(got["loss"], expected_loss, label, tol=1e-6, atol=1e-10, reveal=False)
        checks.close(got["grads"][0], expected_grad, f"the autograd gradient of {label}", tol=1e-6, atol=1e-10,
                     reveal=False)
    else:
        checks.allclose(got["loss"], expected_loss, label, reveal=False)
        checks.allclose(got["grads"][0], expected_grad, f"the autograd gradient of {label}", reveal=False)


@weight(2)
@pytest.mark.parametrize("kind", SHAPE_KINDS)
@given(data=st.data())
def test_torch_cross_entropy_loss_matches_functional(impl, kind, data):
    z, y = data.draw(scores_and_labels(kind))
    check_torch_loss(impl, "cross_entropy_loss", F.cross_entropy, [z, y], np.float64)


@weight(2)
@given(data=scores_and_labels("non_square", bounds=(10.0, 1e3), dtype=np.float32))
def test_torch_cross_entropy_loss_is_stable_in_float32(impl, data):
    check_torch_loss(impl, "cross_entropy_loss", F.cross_entropy, list(data), np.float32)


@weight(2)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@given(data=st.data())
def test_torch_binary_cross_entropy_loss_matches_functional(impl, dtype, data):
    z, y = data.draw(logits_and_targets(bounds=(10.0, 1e3) if dtype == np.float32 else tuple(BOUNDS), dtype=dtype))
    # max(z, 0) and |z| have kinks at 0 whose autograd derivatives depend on how they are written; the loss is smooth
    z = np.where(z == 0, dtype(0.5), z)
    check_torch_loss(impl, "binary_cross_entropy_loss", F.binary_cross_entropy_with_logits, [z, y], dtype)


@weight(2)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@given(data=st.data())
def test_torch_mse_loss_matches_functional(impl, dtype, data):
    pred, target = data.draw(pred_and_target(bound=1e3 if dtype == np.float32 else 1e4, dtype=dtype))
    check_torch_loss(impl, "mse_loss", F.mse_loss, [pred, target], dtype)


@weight(1)
@pytest.mark.parametrize("name", ["binary_cross_entropy_loss", "mse_loss"])
@given(seed=seeds(), n=st.integers(1, 6))
def test_torch_loss_leaves_its_second_input_unchanged(impl, name, seed, n):
    """torch loss leaves its targets unchanged.

    The torch losses never modify the targets in place: the loss is the same with targets that require grad."""
    z = gaussian(seed, n)
    if name == "mse_loss":
        target, oracle = gaussian(seed + 1, n), F.mse_loss
    else:
        target = np.random.default_rng(seed + 1).integers(0, 2, n).astype(np.float64)
        oracle = F.binary_cross_entropy_with_logits
    # autograd refuses an in-place change of a tensor that requires grad, so the call fails if the targets are modified
    got = impl.probe(torch_loss, f"{MOD}:{name}", [z, target], grad_of=[0, 1])
    expected_loss, expected_grad = with_grad(oracle, z, target)
    checks.close(got["loss"], expected_loss, f"{name} with targets that require grad", tol=1e-6, atol=1e-10,
                 reveal=False, hint="compute from the targets without modifying them (no -=, *=, or .sub_())")
    checks.close(got["grads"][0], expected_grad, f"the autograd gradient of {name} with targets that require grad",
                 tol=1e-6, atol=1e-10, reveal=False)


@weight(1)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_cross_entropy_gradients_are_exact_at_a_logit_of_zero(impl, dtype):
    """numpy and torch binary cross entropy gradients are exact at a logit of zero.

    At z = 0 exactly (a zero-initialized model's logits) dz is (sigmoid(0) - y) / N = (1/2 - y) / N, from the
    numpy loss and from the torch loss's autograd alike: the kinks of max(z, 0) and |z| cancel."""
    z = np.array([0.0, 0.0, 0.0, 2.0, -1.0], dtype=dtype)
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0], dtype=dtype)
    expected = (1.0 / (1.0 + np.exp(-z.astype(np.float64))) - y) / len(z)
    hint = ("differentiate the loss, not each term of max(z, 0) - z y + log(1 + exp(-|z|)) at its kink: at z = 0 "
            "torch.clamp, torch.relu and torch.abs give one-sided derivatives that do not cancel; (z + |z|) / 2 "
            "for max(z, 0) does")
    got = impl.probe(torch_loss, f"{MOD}:binary_cross_entropy_loss", [z, y])
    checks.allclose(got["grads"][0], expected, f"the autograd gradient of binary_cross_entropy_loss at z = 0 "
                    f"({np.dtype(dtype).name})", rtol=1e-6, atol=1e-7, reveal=False, hint=hint)
    if dtype == np.float64:
        _, dz = impl.call(f"{MOD}:binary_cross_entropy", z, y)
        checks.close(dz, expected, "dz of binary_cross_entropy at z = 0", reveal=False,
                     hint="dz = (sigmoid(z) - y) / N, with sigmoid(0) = 1/2")
