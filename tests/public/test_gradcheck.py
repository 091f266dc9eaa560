"""Public tests of utils/gradcheck.py: numerical gradients of known functions, and rel_error."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.losses import numerical_gradient_of

MOD = "utils.gradcheck"
X = np.array([[1.0, -2.0], [0.5, 3.0]])
DF = np.array([[1.0, -1.0], [2.0, 0.5]])
CENTERED_HINT = "use centered differences: (f(x + h) - f(x - h)) / (2h)"


@weight(1)
def test_numerical_gradient_of_sum_of_cubes_is_3x_squared(impl):
    got = impl.probe(numerical_gradient_of, "sum_of_cubes", X.copy())
    checks.close(got["grad"], 3 * X ** 2, "numerical_gradient of sum(x**3)", tol=1e-6, atol=1e-8, hint=CENTERED_HINT)


@weight(1)
def test_numerical_gradient_uses_the_given_step(impl):
    got = impl.probe(numerical_gradient_of, "sum_of_cubes", X.copy(), h=0.1)
    # centered differences of a cubic are exact up to h^2: ((x+h)^3 - (x-h)^3) / 2h = 3x^2 + h^2
    checks.close(got["grad"], 3 * X ** 2 + 0.01, "numerical_gradient of sum(x**3) with h=0.1",
                 hint="step by the given h, and " + CENTERED_HINT)


@weight(1)
def test_numerical_gradient_weights_the_outputs_by_df(impl):
    got = impl.probe(numerical_gradient_of, "square", X.copy(), df=DF)
    checks.close(got["grad"], 2 * X * DF, "numerical_gradient of x**2 with df", tol=1e-6, atol=1e-8,
                 hint="with df, differentiate sum(df * f(x))")


@weight(1)
def test_numerical_gradient_restores_x(impl):
    got = impl.probe(numerical_gradient_of, "sum_of_cubes", X.copy())
    checks.close(got["x_after"], X, "x after numerical_gradient(f, x)", tol=1e-12,
                 hint="put every entry of x back to its old value after perturbing it")


@weight(1)
def test_rel_error_is_the_largest_elementwise_relative_error(impl):
    got = impl.call(f"{MOD}:rel_error", np.array([1.0, 2.0, 5.0]), np.array([1.0, 3.0, 4.0]))
    checks.close(got, 0.2, "rel_error([1, 2, 5], [1, 3, 4])", hint="max over entries of |a - b| / (|a| + |b|)")


@weight(1)
def test_rel_error_of_two_zero_arrays_is_zero(impl):
    got = impl.call(f"{MOD}:rel_error", np.zeros(3), np.zeros(3))
    checks.close(got, 0.0, "rel_error(zeros, zeros)", hint="divide by max(1e-8, |a| + |b|), never by 0")
