"""Hidden tests of utils/gradcheck.py: numerical_gradient on functions with known gradients, and rel_error."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

from grader.testkit import checks
from grader.testkit.probes.losses import numerical_gradient_of
from tests.hidden.strategies import float_arrays, gaussian, seeds

MOD = "utils.gradcheck"
CENTERED_HINT = "use centered differences: (f(x + h) - f(x - h)) / (2h)"
small_shapes = array_shapes(min_dims=1, max_dims=3, max_side=3)


@weight(2)
@given(shape=small_shapes, seed=seeds())
def test_numerical_gradient_of_sum_of_cubes_is_3x_squared(impl, shape, seed):
    x = gaussian(seed, *shape)
    got = impl.probe(numerical_gradient_of, "sum_of_cubes", x)
    checks.close(got["grad"], 3 * x ** 2, "numerical_gradient of sum(x**3)", tol=1e-6, atol=1e-8, reveal=False,
                 hint=CENTERED_HINT)


@weight(1)
@given(shape=small_shapes, seed=seeds())
def test_numerical_gradient_is_accurate_for_high_curvature(impl, shape, seed):
    x = 0.3 * np.tanh(gaussian(seed, *shape))
    got = impl.probe(numerical_gradient_of, "sum_of_exp10", x)
    checks.close(got["grad"], 10 * np.exp(10 * x), "numerical_gradient of sum(exp(10 x))", tol=1e-6, atol=1e-8,
                 reveal=False, hint=CENTERED_HINT)


@weight(1)
@given(shape=small_shapes, seed=seeds(), h=st.sampled_from([1e-3, 1e-2, 0.1]))
def test_numerical_gradient_uses_the_given_step(impl, shape, seed, h):
    x = gaussian(seed, *shape)
    got = impl.probe(numerical_gradient_of, "sum_of_cubes", x, h=h)
    # centered differences of a cubic are exact up to h^2: ((x+h)^3 - (x-h)^3) / 2h = 3x^2 + h^2
    checks.close(got["grad"], 3 * x ** 2 + h ** 2, "numerical_gradient of sum(x**3) with a given h", tol=1e-6,
                 atol=1e-8, reveal=False, hint="step by the given h, and " + CENTERED_HINT)


@weight(2)
@given(shape=small_shapes, seed=seeds())
def test_numerical_gradient_with_df_is_the_backward_pass(impl, shape, seed):
    x, df = gaussian(seed, *shape), gaussian(seed + 1, *shape)
    got = impl.probe(numerical_gradient_of, "square", x, df=df)
    checks.close(got["grad"], 2 * x * df, "numerical_gradient of x**2 with df", tol=1e-6, atol=1e-8, reveal=False,
                 hint="with df, differentiate sum(df * f(x))")


@weight(1)
@given(shape=small_shapes, seed=seeds())
def test_numerical_gradient_copies_outputs_that_view_x(impl, shape, seed):
    x = gaussian(seed, *shape)
    df = gaussian(seed + 1, x.size)
    got = impl.probe(numerical_gradient_of, "flat_view", x, df=df)
    checks.close(got["grad"], df.reshape(shape), "numerical_gradient of f(x) = x.reshape(-1) with df", tol=1e-6,
                 atol=1e-8, reveal=False,
                 hint="f(x) may return a view of x: copy f(x + h) before changing x again")


@weight(1)
@given(shape=small_shapes, seed=seeds())
def test_numerical_gradient_restores_x(impl, shape, seed):
    x = gaussian(seed, *shape)
    got = impl.probe(numerical_gradient_of, "square", x.copy(), df=np.ones(shape))
    checks.close(got["x_after"], x, "x after numerical_gradient(f, x)", tol=1e-12, reveal=False,
                 hint="put every entry of x back to its old value after perturbing it")


@weight(1)
@given(data=st.data(), shape=small_shapes)
def test_rel_error_matches_its_definition(impl, data, shape):
    a = data.draw(float_arrays(shape=shape, bound=100.0))
    b = data.draw(float_arrays(shape=shape, bound=100.0))
    got = impl.call(f"{MOD}:rel_error", a, b)
    expected = np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
    checks.close(got, expected, "rel_error(a, b)", reveal=False,
                 hint="max over entries of |a - b| / max(1e-8, |a| + |b|)")


@weight(1)
@given(shape=small_shapes, seed=seeds())
def test_rel_error_of_equal_arrays_is_zero(impl, shape, seed):
    a = np.where(np.arange(int(np.prod(shape))).reshape(shape) % 2 == 0, 0.0, gaussian(seed, *shape))
    got = impl.call(f"{MOD}:rel_error", a, a.copy())
    checks.close(got, 0.0, "rel_error(a, a) for an a with zero entries", reveal=False,
                 hint="divide by max(1e-8, |a| + |b|), never by 0")


@weight(1)
@given(data=st.data(), shape=small_shapes)
def test_rel_error_leaves_its_inputs_unchanged(impl, data, shape):
    """rel_error modifies neither a nor b in place."""
    a = data.draw(float_arrays(shape=shape, bound=100.0))
    b = data.draw(float_arrays(shape=shape, bound=100.0))
    got = impl.call_keeping_inputs(f"{MOD}:rel_error", a.copy(), b.copy())
    checks.unchanged(a, got["args_after"][0], "a passed to rel_error")
    checks.unchanged(b, got["args_after"][1], "b passed to rel_error")


@weight(1)
@given(data=st.data(), shape=small_shapes, scale=st.sampled_from([1e-6, 1e-3, 0.1]))
def test_rel_error_is_relative_for_small_arrays(impl, data, shape, scale):
    """rel_error of arrays far below 1 in size is still the ratio |a - b| / (|a| + |b|): the floor is 1e-8."""
    a = scale * (1.0 + data.draw(float_arrays(shape=shape, bound=0.5)))  # entries in [0.5, 1.5] * scale
    b = scale * (1.0 + data.draw(float_arrays(shape=shape, bound=0.5)))
    got = impl.call(f"{MOD}:rel_error", a, b)
    checks.close(got, np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))), "rel_error(a, b) of small arrays",
                 reveal=False, hint="the floor max(1e-8, |a| + |b|) only guards against 0 / 0: it is 1e-8, not 1")


@weight(1)
@given(shape=array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=3), seed=seeds(), closure=st.booleans())
def test_numerical_gradient_perturbs_x_in_its_own_memory(impl, shape, seed, closure):
    """numerical_gradient perturbs x in its own memory.

    x may be a non-contiguous view (a transposed array) and f may read x through a closure instead of its
    argument, as CS231n's ``lambda _: net.loss(X, y)`` does: every perturbation reaches x itself."""
    x = gaussian(seed, *shape)
    got = impl.probe(numerical_gradient_of, "sum_of_cubes", x, layout="F", closure=closure)
    what = "numerical_gradient of sum(x**3) " + ("read through a closure " if closure else "") + "for a transposed x"
    checks.close(got["grad"], 3 * x ** 2, what, tol=1e-6, atol=1e-8, reveal=False,
                 hint="perturb x itself (x[i] += h), never a copy (x.copy(), x.reshape(-1) or x.ravel() of a "
                      "non-contiguous x): np.nditer(x, flags=['multi_index']) or np.ndindex(x.shape) index x in place")
    checks.close(got["x_after"], x, "x after numerical_gradient(f, x) for a transposed x", tol=1e-12, reveal=False)
