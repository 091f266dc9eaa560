"""Hidden tests of utils/init.py: sample statistics with bounds at a false-failure rate far below 1e-6."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.utils import draws_from_generator, init_module
from tests.hidden.helpers import check_global_rngs_untouched
from tests.hidden.strategies import seeds

MOD = "utils.init"
STD = {"normal": lambda fan_in: 0.01, "xavier": lambda fan_in: np.sqrt(1 / fan_in),
       "he": lambda fan_in: np.sqrt(2 / fan_in)}
NUMPY_NAMES = {"xavier": "xavier_normal", "he": "he_normal"}
# init_module's model: parameter name -> fan_in (Linear(64, 256), Conv1d(32, 128, 5), Conv2d(16, 64, 3))
LAYERS = {"0": 64, "1.0": 32 * 5, "2": 16 * 3 * 3}


def assert_normal_sample(sample, std, what, hint=""):
    """Checks that ``sample`` looks drawn from N(0, std^2): its mean and its mean square within 6 standard errors.

    With n draws the mean has standard error std / sqrt(n) and the mean square
    std^2 sqrt(2 / n); 6 standard errors on both fail a correct initializer
    with probability about 4e-9.
    """
    x = np.asarray(sample, dtype=np.float64).ravel()
    n = x.size
    mean, mean_square = float(np.mean(x)), float(np.mean(x * x))
    ok = abs(mean) <= 6 * std / np.sqrt(n) and abs(mean_square / std ** 2 - 1) <= 6 * np.sqrt(2 / n)
    message = f"{what} does not have mean 0 and the expected standard deviation"
    assert ok, message + (f"\n  hint: {hint}" if hint else "")


@weight(1)
@given(shape=st.one_of(st.integers(0, 5), st.lists(st.integers(0, 4), max_size=3).map(tuple)))
def test_zeros_gives_float_zeros_of_any_shape(impl, shape):
    got = checks.array(impl.call(f"{MOD}:zeros", shape), "zeros(shape)", kind="f")
    checks.close(got, np.zeros(shape), "zeros(shape)", reveal=False)


@weight(2)
@pytest.mark.parametrize("scheme", ["xavier", "he"])
@pytest.mark.parametrize("fan_in, fan_out", [(16, 512), (256, 32)])
@given(seed=seeds())
def test_scaled_initializers_draw_with_std_from_fan_in(impl, scheme, fan_in, fan_out, seed):
    name = NUMPY_NAMES[scheme]
    (w,) = impl.probe(draws_from_generator, f"{MOD}:{name}", [fan_in, fan_out], seed=seed)
    w = checks.array(w, f"{name}(fan_in, fan_out, rng)", shape=(fan_in, fan_out))
    assert_normal_sample(w, STD[scheme](fan_in), f"{name}(fan_in, fan_out, rng)",
                         hint="xavier: std sqrt(1 / fan_in); he: std sqrt(2 / fan_in)")


@weight(1)
@given(std=st.floats(1e-3, 10.0), seed=seeds())
def test_normal_draws_with_the_given_std(impl, std, seed):
    (w,) = impl.probe(draws_from_generator, f"{MOD}:normal", [(64, 80), std], seed=seed)
    assert_normal_sample(checks.array(w, "normal(shape, std, rng)", shape=(64, 80)), std, "normal(shape, std, rng)")


@weight(1)
@pytest.mark.parametrize("name, args", [("normal", [(5, 6)]), ("xavier_normal", [5, 6]), ("he_normal", [5, 6])])
def test_initializers_draw_from_the_given_generator(impl, name, args):
    first, second = impl.probe(draws_from_generator, f"{MOD}:{name}", args, seed=0, calls=2)
    again, _ = impl.probe(draws_from_generator, f"{MOD}:{name}", args, seed=0, calls=2)
    other, _ = impl.probe(draws_from_generator, f"{MOD}:{name}", args, seed=1, calls=2)
    checks.close(again, first, f"{name} with a Generator seeded alike", reveal=False,
                 hint="draw from the rng argument, not from a Generator of your own")
    assert not np.allclose(second, first), f"two calls of {name} sharing one Generator gave the same weights"
    assert not np.allclose(other, first), f"{name} gave the same weights for Generators seeded 0 and 1"


@weight(2)
@pytest.mark.parametrize("scheme", ["normal", "xavier", "he"])
@given(seed=seeds())
def test_init_module_draws_every_layer_weight_with_the_scheme_std(impl, scheme, seed):
    got = impl.probe(init_module, scheme, seed=seed)
    for layer, fan_in in LAYERS.items():
        assert_normal_sample(got["params"][f"{layer}.weight"], STD[scheme](fan_in),
                             f"a {'Linear' if layer == '0' else 'Conv'} weight after init_module_(model, {scheme!r})",
                             hint="fan_in is in_features, or in_channels times the kernel size")


@weight(1)
@pytest.mark.parametrize("scheme", ["zeros", "normal", "xavier", "he"])
def test_init_module_zeroes_biases_and_leaves_other_layers_alone(impl, scheme):
    got = impl.probe(init_module, scheme, seed=3)
    for layer in LAYERS:
        bias = got["params"][f"{layer}.bias"]
        checks.close(bias, np.zeros_like(bias), f"a bias after init_module_(model, {scheme!r})", reveal=False)
    for name in ("1.1.weight", "1.1.bias"):
        checks.close(got["params"][name], got["before"][name], "a BatchNorm parameter after init_module_",
                     reveal=False, hint="re-initialize only Linear, Conv1d and Conv2d layers")


@weight(1)
def test_init_module_works_in_place_and_returns_the_module(impl):
    got = impl.probe(init_module, "he", seed=0)
    assert got["returned_model"], "init_module_ should return the module it was given"
    assert got["same_tensors"], "init_module_ should fill the existing parameters in place, not replace them"
    assert all(got["requires_grad"].values()), "init_module_ left a parameter that no longer requires grad"


@weight(1)
def test_init_module_without_biases(impl):
    got = impl.probe(init_module, "xavier", seed=0, with_bias=False)
    assert set(got["params"]) == {f"{layer}.weight" for layer in LAYERS} | {"1.1.weight", "1.1.bias"}, \
        "init_module_ changed the parameters of layers built with bias=False"
    assert_normal_sample(got["params"]["0.weight"], STD["xavier"](64), "a Linear weight without bias after 'xavier'")


@weight(1)
@pytest.mark.parametrize("seed", [0, 5])
def test_init_module_seed_fixes_the_weights(impl, seed):
    first = impl.probe(init_module, "he", seed=seed, global_seed=1)["params"]
    again = impl.probe(init_module, "he", seed=seed, global_seed=2)["params"]
    other = impl.probe(init_module, "he", seed=seed + 1, global_seed=1)["params"]
    for layer in LAYERS:
        name = f"{layer}.weight"
        checks.close(again[name], first[name], "weights of init_module_ with one seed", reveal=False,
                     hint="seed=0 is a valid seed: seed a torch.Generator with it")
        assert not np.allclose(other[name], first[name]), "init_module_ gave the same weights for different seeds"


@weight(1)
@pytest.mark.parametrize("name, args, shape", [
    ("zeros", [(3, 4)], (3, 4)), ("zeros", [5], (5,)), ("normal", [(3, 4)], (3, 4)), ("normal", [7], (7,)),
    ("xavier_normal", [3, 4], (3, 4)), ("he_normal", [3, 4], (3, 4)),
])
def test_initializers_return_float64_arrays_of_the_shape(impl, name, args, shape):
    """Every numpy initializer returns a float64 array of the requested shape (an int shape too)."""
    got = impl.call(f"{MOD}:{name}", *args) if name == "zeros" else impl.call(f"{MOD}:{name}", *args, rng=0)
    got = checks.array(got, f"{name}{tuple(args)}", shape=shape)
    assert got.dtype == np.float64, f"{name} should return a float64 array, got {got.dtype}"


@weight(1)
@given(seed=seeds())
def test_normal_has_std_0_01_by_default(impl, seed):
    """normal(shape, rng=rng) draws from N(0, 0.01^2)."""
    (w,) = impl.probe(draws_from_generator, f"{MOD}:normal", [(64, 80)], seed=seed)
    assert_normal_sample(checks.array(w, "normal(shape, rng=rng)", shape=(64, 80)), 0.01, "normal(shape, rng=rng)",
                         hint="the default std is 0.01")


@weight(1)
@pytest.mark.parametrize("name, args", [("normal", [(5, 6), 0.5]), ("xavier_normal", [5, 6]), ("he_normal", [5, 6])])
@pytest.mark.parametrize("seed", [0, 7])
def test_an_int_rng_is_a_generator_seeded_with_it(impl, name, args, seed):
    """rng=seed gives the draws of rng=np.random.default_rng(seed)."""
    (from_generator,) = impl.probe(draws_from_generator, f"{MOD}:{name}", args, seed=seed)
    from_int = impl.call(f"{MOD}:{name}", *args, rng=seed)
    checks.close(from_int, from_generator, f"{name}(..., rng={seed})", reveal=False,
                 hint="an int rng is a seed: draw from np.random.default_rng(rng)")


@weight(1)
@pytest.mark.parametrize("name, args", [("normal", [(5, 6)]), ("xavier_normal", [5, 6]), ("he_normal", [5, 6])])
def test_rng_none_draws_fresh_weights(impl, name, args):
    """rng=None (the default) gives different weights on each call."""
    first, second = impl.call(f"{MOD}:{name}", *args), impl.call(f"{MOD}:{name}", *args)
    assert not np.allclose(first, second), f"{name} without rng gave the same weights twice; None means fresh draws"


@weight(1)
def test_init_module_without_seed_draws_from_the_global_rng(impl):
    """init_module_(model, scheme) with seed=None follows torch's global RNG: its seed fixes the weights."""
    first = impl.probe(init_module, "he", seed=None, global_seed=1)["params"]
    again = impl.probe(init_module, "he", seed=None, global_seed=1)["params"]
    other = impl.probe(init_module, "he", seed=None, global_seed=2)["params"]
    for layer in LAYERS:
        name = f"{layer}.weight"
        checks.close(again[name], first[name], "weights of init_module_(seed=None) after torch.manual_seed(1) twice",
                     reveal=False, hint="with seed=None draw from the global RNG (generator=None)")
        assert not np.allclose(other[name], first[name]), \
            "init_module_(seed=None) gave the same weights under different global seeds; draw from the global RNG"


@weight(1)
@pytest.mark.parametrize("scheme", ["uniform", "Xavier", ""])
def test_init_module_rejects_an_unknown_scheme(impl, scheme):
    """init_module_ raises ValueError for a scheme other than zeros, normal, xavier, he."""
    with pytest.raises(ValueError):
        impl.probe(init_module, scheme, seed=0)


@weight(1)
@pytest.mark.parametrize("scheme", ["xavier", "he"])
def test_init_module_fan_in_counts_one_group_and_accepts_a_single_output(impl, scheme):
    """A grouped convolution's fan_in is in_channels / groups times the kernel size; a layer with one output works."""
    got = impl.probe(init_module, scheme, seed=11, edge_layers=True)
    assert_normal_sample(got["params"]["4.weight"], STD[scheme](16 * 3 * 3), "a Conv2d(64, 256, 3, groups=4)'s weight",
                         hint="fan_in of a convolution is in_channels / groups times the kernel size "
                              "(the size of one output channel's weight)")
    weight_of_one = checks.array(got["params"]["3.weight"], "Linear(16, 1).weight", shape=(1, 16))
    assert np.any(weight_of_one != 0) and np.all(got["params"]["3.bias"] == 0), \
        "init_module_ should redraw the weight and zero the bias of a Linear layer with one output"


@weight(1)
@pytest.mark.parametrize("scheme", ["zeros", "normal", "xavier", "he"])
def test_init_module_with_a_seed_leaves_the_global_rng_alone(impl, scheme):
    """With a seed the draws come from a private generator: the global torch RNG is where it was."""
    got = impl.probe(init_module, scheme, seed=3, global_seed=21)
    assert got["global_rng_untouched"], \
        "init_module_ with a seed should draw from its own torch.Generator, not from the global RNG"


@weight(1)
@pytest.mark.parametrize("seed", [0, 4])
def test_init_module_redraws_subclassed_layers_and_gives_same_shaped_layers_different_weights(impl, seed):
    """init_module_ redraws subclassed layers and gives same-shaped layers different weights.

    A subclass of nn.Linear is re-initialized too, and with a seed two layers of one shape get different weights
    (one generator, seeded once, for all the draws)."""
    got = impl.probe(init_module, "he", seed=seed, twins=True)
    own, plain = got["params"]["3.weight"], got["params"]["4.weight"]
    assert np.all(np.asarray(got["params"]["3.bias"]) == 0) and not np.allclose(own, got["before"]["3.weight"]), (
        "init_module_ skipped a layer whose class is a subclass of nn.Linear\n  hint: select layers with "
        "isinstance(layer, (nn.Linear, nn.Conv1d, nn.Conv2d)), not by their exact type")
    assert_normal_sample(np.concatenate([np.ravel(own), np.ravel(plain)]), STD["he"](32),
                         "the weights of two Linear(32, 32) layers after 'he'")
    assert not np.allclose(own, plain), (
        "init_module_ with a seed gave two layers of the same shape the same weights\n  hint: seed one "
        "torch.Generator once and draw every layer from it, not a new generator per layer")


@weight(1)
@pytest.mark.parametrize("name, args", [("normal", [(5, 6)]), ("xavier_normal", [5, 6]), ("he_normal", [5, 6])])
def test_initializers_with_an_int_rng_leave_the_global_random_states_alone(impl, name, args):
    """An int rng seeds a Generator of the initializer's own: the global random states stay as they were."""
    check_global_rngs_untouched(impl, f"{MOD}:{name}", args, {"rng": 3}, what=f"{name}(..., rng=3)")


@weight(1)
@pytest.mark.parametrize("name, args, std", [("normal", [(64, 80)], 0.01), ("xavier_normal", [64, 80], 0.125),
                                             ("he_normal", [64, 80], np.sqrt(2 / 64))])
def test_initializers_without_rng_draw_fresh_weights_of_the_scheme_std(impl, name, args, std):
    """rng=None draws fresh weights of the same law as a seeded call: N(0, std^2) for the scheme's std."""
    w = checks.array(impl.call(f"{MOD}:{name}", *args), f"{name}{tuple(args)} without rng", shape=(64, 80))
    assert_normal_sample(w, std, f"{name}{tuple(args)} without rng", hint="rng=None changes the draws, not the std")


@weight(1)
@pytest.mark.parametrize("scheme", ["normal", "he"])
def test_init_module_without_seed_draws_every_layer_with_the_scheme_std(impl, scheme):
    """init_module_(model, scheme) with seed=None draws from the global RNG with the scheme's std."""
    got = impl.probe(init_module, scheme, seed=None, global_seed=9)
    for layer, fan_in in LAYERS.items():
        assert_normal_sample(got["params"][f"{layer}.weight"], STD[scheme](fan_in),
                             f"a layer's weight after init_module_(model, {scheme!r}) without a seed",
                             hint="seed=None changes where the draws come from, not the std")
