"""Public tests of dropout in layers/dropout.py: masks, scaling, seeds, eval mode."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward, forward_backward
from grader.testkit.probes.torch_modules import forward_backward as module_forward_backward
from tests.public.helpers import assert_vectorized

MOD = "layers.dropout"
X = np.arange(1.0, 10001.0).reshape(100, 100)  # no zeros: an entry of the output is 0 only if dropped
P = 0.3


def zero_fraction_bounds(p, n):
    """The range p +- 6 sigma, which the fraction of dropped entries of n leaves with probability about 2e-9."""
    sigma = np.sqrt(p * (1 - p) / n)
    return p - 6 * sigma, p + 6 * sigma


@weight(1)
def test_dropout_drops_about_a_fraction_p_of_the_entries(impl):
    """numpy dropout drops about a fraction p of the entries."""
    got = impl.probe(forward, MOD, "dropout", [X, P], {"seed": 0})
    out = checks.array(got["out"], "dropout_forward(x, p=0.3)", shape=X.shape)
    low, high = zero_fraction_bounds(P, X.size)
    fraction = np.mean(out == 0)
    assert low <= fraction <= high, (
        f"dropout_forward(x, p=0.3) zeroed {fraction:.3f} of the entries; expected about 0.3\n"
        "  hint: p is the probability of dropping an entry, not of keeping it")


@weight(1)
def test_dropout_scales_the_kept_entries_by_one_over_one_minus_p(impl):
    """numpy dropout scales the kept entries by 1 / (1 - p)."""
    got = impl.probe(forward, MOD, "dropout", [X, P], {"seed": 0})
    out = checks.array(got["out"], "dropout_forward(x, p=0.3)", shape=X.shape)
    kept = out != 0
    assert kept.any(), "dropout_forward(x, p=0.3) dropped every entry"
    checks.close(out[kept], X[kept] / (1 - P), "the kept entries of dropout_forward(x, p=0.3)", tol=1e-12,
                 hint="inverted dropout divides the kept entries by 1 - p")


@weight(1)
def test_dropout_with_the_same_seed_draws_the_same_mask(impl):
    """numpy dropout with the same seed draws the same mask."""
    first = impl.probe(forward, MOD, "dropout", [X, P], {"seed": 0})["out"]
    second = impl.probe(forward, MOD, "dropout", [X, P], {"seed": 0})["out"]
    checks.close(second, first, "dropout_forward(x, p, seed=0) called twice",
                 hint="draw the mask from np.random.default_rng(seed); seed=0 is a valid seed")


@weight(1)
def test_dropout_backward_passes_gradient_only_through_kept_entries(impl):
    """numpy dropout backward passes the gradient only through the kept entries."""
    dout = np.ones_like(X)
    got = impl.probe(forward_backward, MOD, "dropout", [X, P], dout, {"seed": 1})
    out = checks.array(got["out"], "dropout_forward(x, p=0.3)", shape=X.shape)
    checks.close(got["grads"][0], np.where(out != 0, 1 / (1 - P), 0.0), "dropout_backward(dout, cache)",
                 hint="dx = dout * mask / (1 - p) with the mask of the forward pass")


@weight(1)
@pytest.mark.parametrize("kwargs", [{"training": False}, {}], ids=["eval mode", "p=0"])
def test_dropout_is_the_identity_in_eval_mode_and_for_p_zero(impl, kwargs):
    """numpy dropout is the identity in eval mode and for p = 0."""
    p = P if kwargs else 0.0
    dout = np.full_like(X, 2.0)
    got = impl.probe(forward_backward, MOD, "dropout", [X, p], dout, kwargs)
    checks.close(got["out"], X, f"dropout_forward(x, p={p}, {kwargs})", hint="no dropout at test time or for p = 0")
    checks.close(got["grads"][0], dout, f"dropout_backward after dropout_forward(x, p={p}, {kwargs})")


@weight(1)
@pytest.mark.parametrize("p", [1.0, -0.1])
def test_dropout_rejects_p_outside_zero_to_one(impl, p):
    """numpy dropout rejects p outside [0, 1)."""
    raised = impl.raised("layers.dropout:dropout_forward", X, p)
    assert raised == "ValueError", f"dropout_forward(x, p={p}) raised {raised}; expected ValueError (0 <= p < 1)"


@weight(1)
def test_dropout_module_drops_and_scales_in_training_mode(impl):
    """torch Dropout module drops and scales in training mode."""
    got = impl.probe(module_forward_backward, "layers.dropout:Dropout", X, args=[P])
    out = checks.array(got["out"], "Dropout(0.3)(x)", shape=X.shape)
    low, high = zero_fraction_bounds(P, X.size)
    assert low <= np.mean(out == 0) <= high, \
        f"Dropout(0.3)(x) zeroed {np.mean(out == 0):.3f} of the entries; expected about 0.3"
    checks.close(out[out != 0], X[out != 0] / (1 - P), "the kept entries of Dropout(0.3)(x)", tol=1e-12)


@weight(1)
def test_dropout_module_is_the_identity_in_eval_mode(impl):
    """torch Dropout module is the identity in eval mode."""
    got = impl.probe(module_forward_backward, "layers.dropout:Dropout", X, args=[P], train=False)
    checks.close(got["out"], X, "Dropout(0.3)(x) in eval mode", hint="check self.training")


@weight(1)
def test_dropout_runs_no_python_loop_over_the_batch_or_output_positions(impl):
    """numpy dropout runs no Python loop over the batch or output positions."""
    def make(n, size):
        x = np.ones((n, 4, size))
        return [x, 0.5], np.ones_like(x), {"training": True, "seed": 0}

    assert_vectorized(impl, MOD, "dropout", make)
