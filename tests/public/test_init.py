"""Public tests of utils/init.py: shapes, and standard deviations on samples large enough to leave no doubt."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.utils import draws_from_generator, init_module

MOD = "utils.init"


def assert_std_about(sample, std, what, hint=""):
    """Checks that the sample standard deviation is within 10% of ``std`` (over 10 standard errors for 8192 draws)."""
    got = float(np.sqrt(np.mean(np.square(sample))))
    assert abs(got / std - 1) < 0.1, f"{what} has standard deviation {got:.4g}; expected {std:.4g}" + \
        (f"\n  hint: {hint}" if hint else "")


@weight(1)
def test_zeros_has_the_shape_and_only_zeros(impl):
    got = checks.array(impl.call(f"{MOD}:zeros", (3, 4)), "zeros((3, 4))", kind="f")
    checks.close(got, np.zeros((3, 4)), "zeros((3, 4))")


@weight(1)
@pytest.mark.parametrize("name, std", [("xavier_normal", np.sqrt(1 / 32)), ("he_normal", np.sqrt(2 / 32))])
def test_scaled_initializers_have_shape_fan_in_by_fan_out(impl, name, std):
    (w,) = impl.probe(draws_from_generator, f"{MOD}:{name}", [32, 256], seed=0)
    checks.array(w, f"{name}(32, 256, rng)", shape=(32, 256))
    assert_std_about(w, std, f"{name}(fan_in=32, fan_out=256)", hint="the std depends on fan_in only")


@weight(1)
def test_normal_uses_the_given_std(impl):
    (w,) = impl.probe(draws_from_generator, f"{MOD}:normal", [(64, 128), 0.5], seed=0)
    checks.array(w, "normal((64, 128), 0.5, rng)", shape=(64, 128))
    assert_std_about(w, 0.5, "normal((64, 128), std=0.5)")


@weight(1)
def test_an_int_seed_gives_reproducible_weights(impl):
    first = impl.call(f"{MOD}:he_normal", 4, 3, rng=0)
    checks.close(impl.call(f"{MOD}:he_normal", 4, 3, rng=0), first, "he_normal(4, 3, rng=0) called twice",
                 hint="an int rng is a seed: build a Generator from it")


@weight(1)
def test_init_module_with_zeros_clears_weights_and_biases(impl):
    got = impl.probe(init_module, "zeros", seed=0)
    for name in ("0.weight", "0.bias", "1.0.weight", "1.0.bias", "2.weight", "2.bias"):
        checks.close(got["params"][name], np.zeros_like(got["params"][name]), f"parameter {name} after 'zeros'",
                     hint="re-initialize every nn.Linear, nn.Conv1d and nn.Conv2d, also inside nested modules")


@weight(1)
def test_init_module_he_scales_linear_weights_by_fan_in(impl):
    got = impl.probe(init_module, "he", seed=0)
    assert_std_about(got["params"]["0.weight"], np.sqrt(2 / 64), "the weight of Linear(64, 256) after 'he'")
    checks.close(got["params"]["0.bias"], np.zeros(256), "the bias of Linear(64, 256) after 'he'",
                 hint="biases become zero")
