"""Hidden tests of dropout: mask statistics at a false-failure rate below 1e-6, scaling, seeds, gradients."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward, forward_backward
from grader.testkit.probes.torch_layers import train_then_eval
from grader.testkit.probes.torch_modules import forward_backward as module_forward_backward
from tests.hidden.helpers import check_global_rngs_untouched, check_layer_calls, numeric_layer_gradients
from tests.hidden.strategies import gaussian, seeds

MOD = "layers.dropout"
MODULE = "layers.dropout:Dropout"
N_STAT = 40_000  # entries per draw: a drop fraction off by 0.015 or more fails at p = 0.5, less elsewhere
probabilities = st.sampled_from([0.1, 0.25, 0.5, 0.7, 0.9])


def nonzero_input(seed, *shape):
    """Gaussian entries pushed away from 0, so that an output entry is 0 exactly when it was dropped."""
    x = gaussian(seed, *shape)
    return x + np.where(x >= 0, 0.5, -0.5)


def check_inverted_dropout(out, x, dx, dout, p, what):
    """Checks the drop fraction (p +- 6 sigma), the kept entries x / (1 - p) and dx through the kept entries only."""
    out = checks.array(out, what, shape=x.shape)
    dropped = out == 0
    sigma = np.sqrt(p * (1 - p) / x.size)
    assert abs(dropped.mean() - p) <= 6 * sigma, \
        f"{what} dropped a fraction of the entries far from p\n  hint: p is the probability of dropping an entry"
    checks.close(out[~dropped], x[~dropped] / (1 - p), f"the kept entries of {what}", tol=1e-12, reveal=False,
                 hint="kept entries are divided by 1 - p")
    if dx is not None:
        checks.close(dx, np.where(dropped, 0.0, dout / (1 - p)), f"the gradient of {what}", tol=1e-12,
                     reveal=False, hint="the gradient flows only through the kept entries, scaled by 1 / (1 - p)")


@weight(2)
@given(p=probabilities, seed=st.integers(0, 1000))
def test_dropout_drops_a_fraction_p_and_scales_the_rest(impl, p, seed):
    """numpy dropout drops a fraction p and scales the rest."""
    x = nonzero_input(seed, 1000, N_STAT // 1000)
    dout = gaussian(seed + 1, *x.shape)
    got = impl.probe(forward_backward, MOD, "dropout", [x, p], dout, {"seed": seed})
    check_inverted_dropout(got["out"], x, got["grads"][0], dout, p, f"dropout_forward with p={p}")
    checks.unchanged(x, got["args_after"][0], "the input x of dropout_forward")


@weight(2)
@given(p=probabilities, seed=seeds())
def test_dropout_module_drops_a_fraction_p_and_scales_the_rest(impl, p, seed):
    """torch Dropout module drops a fraction p and scales the rest."""
    x = nonzero_input(seed, 1000, N_STAT // 1000)
    dout = gaussian(seed + 1, *x.shape)
    got = impl.probe(module_forward_backward, MODULE, x, dout, args=[p], seed=seed % 1000)
    check_inverted_dropout(got["out"], x, got["dx"], dout, p, f"Dropout({p}) in training mode")


@weight(1)
@given(p=probabilities, seed=st.integers(0, 1000))
def test_dropout_with_the_same_seed_draws_the_same_mask(impl, p, seed):
    """numpy dropout with the same seed draws the same mask."""
    x = nonzero_input(seed, 20, 50)
    first = impl.probe(forward, MOD, "dropout", [x, p], {"seed": seed})["out"]
    second = impl.probe(forward, MOD, "dropout", [x, p], {"seed": seed})["out"]
    checks.close(second, first, "dropout_forward called twice with the same seed", reveal=False,
                 hint="the mask must come from a generator seeded with seed (seed=0 included)")


@weight(1)
@pytest.mark.parametrize("seeds_pair", [(0, 1), (1, 2), (7, 1234)])
def test_dropout_with_different_seeds_draws_different_masks(impl, seeds_pair):
    """numpy dropout with different seeds draws different masks."""
    x = nonzero_input(0, 20, 50)
    outs = [impl.probe(forward, MOD, "dropout", [x, 0.5], {"seed": s})["out"] for s in seeds_pair]
    masks = [checks.array(out, "dropout_forward(x, 0.5, seed=...)", shape=x.shape) == 0 for out in outs]
    assert not np.array_equal(*masks), \
        "dropout_forward drew the same mask of 1000 entries for two different seeds; use the seed argument"


@weight(2)
@given(p=probabilities, seed=st.integers(0, 1000))
def test_dropout_backward_matches_numeric_gradient(impl, p, seed):
    """numpy dropout backward matches the numeric gradient."""
    x = nonzero_input(seed, 3, 4)
    dout = gaussian(seed + 1, 3, 4)
    kwargs = {"seed": seed}
    analytic = impl.probe(forward_backward, MOD, "dropout", [x, p], dout, kwargs)["grads"][0]
    numeric = numeric_layer_gradients(impl, MOD, "dropout", [x, p], dout, [0], kwargs)[0]
    checks.close(analytic, numeric, "dropout_backward against a numeric gradient", tol=1e-6, atol=1e-8, reveal=False)


@weight(2)
@given(p=st.floats(0.0, 0.99), seed=seeds(), shape=st.sampled_from([(5,), (3, 4), (2, 3, 2, 2)]))
def test_dropout_is_the_identity_in_eval_mode(impl, p, seed, shape):
    """numpy and torch dropout are the identity in eval mode."""
    x = gaussian(seed, *shape)
    dout = gaussian(seed + 1, *shape)
    got = impl.probe(forward_backward, MOD, "dropout", [x, p], dout, {"training": False, "seed": seed % 1000})
    checks.close(got["out"], x, "dropout_forward in eval mode", reveal=False, hint="no dropout at test time")
    checks.close(got["grads"][0], dout, "dropout_backward after an eval-mode forward", reveal=False)
    module = impl.probe(module_forward_backward, MODULE, x, dout, args=[p], train=False)
    checks.close(module["out"], x, "Dropout in eval mode", reveal=False, hint="check self.training")
    checks.close(module["dx"], dout, "the gradient of Dropout in eval mode", reveal=False)


@weight(1)
@given(seed=seeds())
def test_dropout_with_p_zero_is_the_identity(impl, seed):
    """numpy and torch dropout with p = 0 are the identity."""
    x = gaussian(seed, 4, 5)
    dout = gaussian(seed + 1, 4, 5)
    got = impl.probe(forward_backward, MOD, "dropout", [x, 0.0], dout, {"seed": seed % 1000})
    checks.close(got["out"], x, "dropout_forward with p=0", reveal=False)
    checks.close(got["grads"][0], dout, "dropout_backward with p=0", reveal=False)
    module = impl.probe(module_forward_backward, MODULE, x, dout, args=[0.0])
    checks.close(module["out"], x, "Dropout(0.0) in training mode", reveal=False)
    checks.close(module["dx"], dout, "the gradient of Dropout(0.0)", reveal=False)


@weight(1)
@pytest.mark.parametrize("p", [1.0, -0.1, 1.5, -1e-9])
def test_dropout_rejects_p_outside_zero_to_one(impl, p):
    """numpy and torch dropout reject p outside [0, 1)."""
    x = np.ones((2, 3))
    assert impl.raised("layers.dropout:dropout_forward", x, p) == "ValueError", \
        f"dropout_forward with p={p} should raise ValueError (0 <= p < 1)"
    assert impl.raised(MODULE, p) == "ValueError", f"Dropout({p}) should raise ValueError (0 <= p < 1)"


@weight(1)
def test_dropout_without_a_seed_draws_a_fresh_mask_each_call(impl):
    """numpy dropout without a seed draws a fresh mask at each call.

    dropout_forward with seed=None draws a new mask at every call, of the same law: a fraction p dropped, the
    rest scaled, the gradient through the kept entries."""
    x = nonzero_input(0, 200, 50)
    dout = gaussian(1, *x.shape)
    outs = []
    for _ in range(2):
        got = impl.probe(forward_backward, MOD, "dropout", [x, 0.3], dout)
        check_inverted_dropout(got["out"], x, got["grads"][0], dout, 0.3, "dropout_forward(x, 0.3) without a seed")
        outs.append(got["out"])
    masks = [checks.array(out, "dropout_forward(x, 0.3)", shape=x.shape) == 0 for out in outs]
    assert not np.array_equal(*masks), (
        "dropout_forward(x, 0.3) without a seed drew the same mask of 10000 entries twice\n"
        "  hint: np.random.default_rng(None) draws fresh entropy; do not replace a missing seed by a fixed one")


@weight(1)
@pytest.mark.parametrize("p", [1.0, -0.1])
def test_dropout_rejects_p_outside_zero_to_one_in_eval_mode(impl, p):
    """numpy dropout rejects p outside [0, 1) in eval mode too.

    dropout_forward raises ValueError for p outside [0, 1) in eval mode too."""
    raised = impl.raised("layers.dropout:dropout_forward", np.ones((2, 3)), p, training=False)
    assert raised == "ValueError", \
        f"dropout_forward(x, p={p}, training=False) raised {raised}; expected ValueError (check p before the mode)"


@weight(1)
def test_dropout_rejects_a_nan_probability(impl):
    """numpy and torch dropout reject a NaN probability.

    p = nan is not in [0, 1): dropout_forward and Dropout raise ValueError."""
    p = float("nan")
    raised = impl.raised("layers.dropout:dropout_forward", np.ones((2, 3)), p)
    assert raised == "ValueError", f"dropout_forward(x, p=nan) raised {raised}; expected ValueError"
    raised = impl.raised(MODULE, p)
    assert raised == "ValueError", f"Dropout(nan) raised {raised}; expected ValueError"


@weight(1)
@pytest.mark.parametrize("p", [0.0, 0.3, 0.999, 1.0, -0.1, 2.0])
def test_check_probability_returns_none_or_raises_value_error(impl, p):
    """numpy and torch dropout's check_probability returns None or raises ValueError.

    check_probability(p) returns None for 0 <= p < 1 and raises ValueError otherwise."""
    raised = impl.raised("layers.dropout:check_probability", p)
    if 0 <= p < 1:
        assert raised is None, f"check_probability({p}) raised {raised}; p = {p} is a valid drop probability"
        result = impl.call("layers.dropout:check_probability", p)
        assert result is None, f"check_probability({p}) returned {result!r}; expected None"
    else:
        assert raised == "ValueError", f"check_probability({p}) raised {raised}; expected ValueError"


@weight(1)
def test_dropout_module_mask_comes_from_torch_global_generator(impl):
    """torch Dropout module's mask comes from torch's global generator.

    Dropout's mask is fixed by torch.manual_seed: the same seed gives the same mask, another seed another."""
    x = nonzero_input(0, 20, 50)
    outs = {s: impl.probe(module_forward_backward, MODULE, x, args=[0.5], seed=s)["out"] for s in (0, 1)}
    again = impl.probe(module_forward_backward, MODULE, x, args=[0.5], seed=0)["out"]
    masks = {s: checks.array(out, "Dropout(0.5)(x)", shape=x.shape) == 0 for s, out in outs.items()}
    assert np.array_equal(masks[0], checks.array(again, "Dropout(0.5)(x)", shape=x.shape) == 0), (
        "Dropout(0.5)(x) drew different masks after the same torch.manual_seed\n"
        "  hint: draw the mask from torch's global generator, e.g. torch.rand_like(x)")
    assert not np.array_equal(masks[0], masks[1]), (
        "Dropout(0.5)(x) drew the same mask after torch.manual_seed(0) and torch.manual_seed(1)\n"
        "  hint: draw the mask from torch's global generator, not from a generator of your own")


@weight(1)
def test_dropout_module_drops_half_the_entries_by_default(impl):
    """torch Dropout module drops half the entries by default.

    Dropout() has p = 0.5."""
    x = nonzero_input(3, 1000, N_STAT // 1000)
    dout = gaussian(4, *x.shape)
    got = impl.probe(module_forward_backward, MODULE, x, dout)
    check_inverted_dropout(got["out"], x, got["dx"], dout, 0.5, "Dropout() (default p = 0.5)")


@weight(1)
@pytest.mark.parametrize("shape", [(4000,), (10, 20, 20), (5, 4, 10, 20)], ids=["1d", "3d", "4d"])
def test_dropout_works_on_inputs_of_any_shape(impl, shape):
    """numpy and torch dropout work on inputs of any shape.

    dropout_forward and Dropout drop and scale inputs of any rank, and their gradients flow through the kept entries."""
    x = nonzero_input(5, *shape)
    dout = gaussian(6, *shape)
    got = impl.probe(forward_backward, MOD, "dropout", [x, 0.25], dout, {"seed": 7})
    check_inverted_dropout(got["out"], x, got["grads"][0], dout, 0.25, f"dropout_forward on an input of shape {shape}")
    module = impl.probe(module_forward_backward, MODULE, x, dout, args=[0.25], seed=8)
    check_inverted_dropout(module["out"], x, module["dx"], dout, 0.25, f"Dropout(0.25) on an input of shape {shape}")


@weight(1)
@pytest.mark.parametrize("p, training", [(0.5, True), (0.0, True), (0.5, False)],
                         ids=["training", "p_zero", "eval"])
@given(seed=st.integers(0, 1000), shape=st.sampled_from([(5,), (3, 4), (2, 3, 2, 2)]))
def test_dropout_backward_leaves_dout_unchanged(impl, p, training, seed, shape):
    """numpy dropout backward leaves dout unchanged.

    dropout_backward does not modify its upstream gradient dout in place, in training and eval mode alike."""
    dout = gaussian(seed + 1, *shape)
    got = impl.probe(forward_backward, MOD, "dropout", [nonzero_input(seed, *shape), p], dout.copy(),
                     {"training": training, "seed": seed})
    checks.unchanged(dout, got["dout_after"], f"the input dout of dropout_backward (p={p}, training={training})")


@weight(1)
@pytest.mark.parametrize("p, training", [(0.3, True), (0.3, False), (0.0, True)],
                         ids=["training", "eval", "p_zero"])
def test_dropout_returns_new_arrays_repeats_its_backward_and_takes_any_layout(impl, p, training):
    """numpy dropout returns new arrays, repeats its backward and takes any memory layout.

    out and dx are new arrays, copies where dropout is the identity (eval mode, p = 0); a second backward from
    one cache gives dx again; a transposed x gives the same results."""
    check_layer_calls(impl, MOD, "dropout", [nonzero_input(3, 4, 5), p], gaussian(4, 4, 5),
                      {"training": training, "seed": 5}, what=f"dropout (p={p}, training={training})")


@weight(1)
def test_dropout_module_draws_a_new_mask_at_every_call(impl):
    """torch Dropout module draws a new mask at every call.

    Two training-mode calls of one Dropout module on the same input drop different entries."""
    x = nonzero_input(6, 20, 50)
    got = impl.probe(train_then_eval, MODULE, [x, x], x, args=[0.5])
    masks = [checks.array(out, "Dropout(0.5)(x)", shape=x.shape) == 0 for out in got["train_outs"]]
    assert len(masks) == 2 and not np.array_equal(*masks), (
        "one Dropout(0.5) module dropped the same entries in two calls: draw a new mask at every forward call "
        "(torch.rand_like(x)), never keep one in the module")


@weight(1)
@pytest.mark.parametrize("seed", [0, 3])
def test_dropout_with_a_seed_leaves_the_global_random_states_alone(impl, seed):
    """numpy dropout with a seed leaves the global random states alone.

    dropout_forward(x, p, seed=...) draws from its own Generator: the global random states stay as they were."""
    x = nonzero_input(7, 20, 50)
    out = check_global_rngs_untouched(impl, f"{MOD}:dropout_forward", [x, 0.5], {"seed": seed}, part=0,
                                      what=f"dropout_forward(x, 0.5, seed={seed})")
    check_inverted_dropout(out, x, None, None, 0.5, f"dropout_forward(x, 0.5, seed={seed})")
