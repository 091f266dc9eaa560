"""Hidden tests of the residual connections: the block's formula for every activation, identity, sizes."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.torch_layers import residual_around_identity, residual_around_linear
from grader.testkit.probes.torch_modules import describe
from grader.testkit.probes.torch_modules import forward_backward as module_forward_backward
from tests.hidden.strategies import gaussian, seeds
from tests.public.helpers import ACTIVATIONS, BLOCK, block_reference, zero_last_layer

dims = st.tuples(st.integers(1, 6), st.integers(1, 6)).filter(lambda d: d[0] != d[1])


def spread_input(seed, batch, dim):
    """(batch, dim) float32 input whose every feature is spread out, so float32 batch statistics stay accurate."""
    ramp = np.linspace(-2.0, 2.0, batch)[:, None]
    return (ramp + gaussian(seed, batch, dim, scale=0.5)).astype(np.float32)


@weight(3)
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@given(sizes=dims, batch=st.integers(2, 5), seed=seeds(), norm=st.booleans(), train=st.booleans())
def test_residual_block_matches_its_formula(impl, activation, sizes, batch, seed, norm, train):
    dim, hidden_dim = sizes
    x = spread_input(seed, batch, dim)
    dout = gaussian(seed + 1, batch, dim).astype(np.float32)
    got = impl.probe(module_forward_backward, BLOCK, x, dout, args=[dim, hidden_dim, activation, norm],
                     train=train, seed=seed % 1000)
    out, dx = block_reference(x, dout, got["params"], dim, hidden_dim, activation, norm, train)
    what = f"ResidualBlock(dim, hidden_dim, {activation!r}, norm={norm}) in {'train' if train else 'eval'} mode"
    hint = "out = x + Linear(hidden -> dim)(act(Linear(dim -> hidden)(pre(x)))), pre = BatchNorm if norm else act"
    checks.allclose(got["out"], out, what, reveal=False, hint=hint)
    checks.allclose(got["dx"], dx, f"the gradient of {what} with respect to x", reveal=False, hint=hint)


@weight(2)
@given(sizes=dims, seed=seeds(), norm=st.booleans(), activation=st.sampled_from(list(ACTIVATIONS)))
def test_residual_block_with_a_zero_last_layer_is_the_identity(impl, sizes, seed, norm, activation):
    dim, hidden_dim = sizes
    x = spread_input(seed, 4, dim)
    dout = gaussian(seed + 1, 4, dim).astype(np.float32)
    got = impl.probe(module_forward_backward, BLOCK, x, dout, args=[dim, hidden_dim, activation, norm],
                     state=zero_last_layer(impl, dim, hidden_dim, activation, norm), seed=seed % 1000)
    checks.allclose(got["out"], x, f"ResidualBlock({activation!r}, norm={norm}) with a zero last Linear",
                    reveal=False, hint="the skip connection adds x to the branch output")
    checks.allclose(got["dx"], dout, "the gradient of that block with respect to x", reveal=False)


@weight(1)
@given(sizes=st.tuples(st.integers(1, 40), st.integers(1, 40)), norm=st.booleans(),
       activation=st.sampled_from(list(ACTIVATIONS)))
def test_residual_block_parameter_count(impl, sizes, norm, activation):
    dim, hidden_dim = sizes
    got = impl.probe(describe, BLOCK, [dim, hidden_dim, activation, norm], input_shape=[2, dim])
    expected = 2 * dim * hidden_dim + hidden_dim + dim + (2 * dim if norm else 0)
    assert got["trainable"] == expected, f"ResidualBlock(norm={norm}) has the wrong number of trainable parameters"
    assert got["output_shape"] == [2, dim], "ResidualBlock's output should have its input's shape"


@weight(2)
@given(n=st.integers(1, 5), d_in=st.integers(1, 5), seed=seeds())
def test_residual_adds_the_input_to_the_output_of_f(impl, n, d_in, seed):
    x = gaussian(seed, n, d_in)
    w, b = gaussian(seed + 1, d_in, d_in), gaussian(seed + 2, d_in)
    dout = gaussian(seed + 3, n, d_in)
    got = impl.probe(residual_around_linear, "layers.residual:Residual", x, w, b, dout)
    checks.close(got["out"], x + x @ w.T + b, "Residual(linear)(x)", reveal=False)
    checks.close(got["dx"], dout + dout @ w, "the gradient of Residual(linear)", reveal=False,
                 hint="the gradient flows through both the skip connection and f")


@weight(1)
@given(sizes=dims, seed=seeds(), train=st.booleans())
def test_residual_block_defaults_to_relu_without_norm(impl, sizes, seed, train):
    """ResidualBlock(dim, hidden_dim) is the block with activation "relu" and no BatchNorm."""
    dim, hidden_dim = sizes
    x = spread_input(seed, 4, dim)
    dout = gaussian(seed + 1, 4, dim).astype(np.float32)
    got = impl.probe(module_forward_backward, BLOCK, x, dout, args=[dim, hidden_dim], train=train, seed=seed % 1000)
    what = "ResidualBlock(dim, hidden_dim) with the default activation and norm"
    expected = 2 * dim * hidden_dim + hidden_dim + dim
    params = sum(int(np.size(p)) for p in got["params"].values())
    assert params == expected, f"{what} has the wrong number of parameters; the default is norm=False"
    out, dx = block_reference(x, dout, got["params"], dim, hidden_dim, "relu", False, train)
    hint = "the defaults are activation='relu' and norm=False"
    checks.allclose(got["out"], out, what, reveal=False, hint=hint)
    checks.allclose(got["dx"], dx, f"the gradient of {what} with respect to x", reveal=False, hint=hint)


@weight(1)
def test_residual_returns_a_new_tensor_when_f_returns_its_input(impl):
    """Residual returns a new tensor when f returns its input.

    Residual(f) with an f that returns x itself (nn.Identity) gives 2x as a new tensor and leaves x alone; the
    gradient is 2 dout."""
    x, dout = gaussian(1, 3, 4), gaussian(2, 3, 4)
    got = impl.probe(residual_around_identity, "layers.residual:Residual", x, dout)
    hint = "return x + self.f(x), a new tensor: never add in place (+=) into x or into what f returned"
    checks.unchanged(x, got["x_after"], "the input x of Residual(nn.Identity())", tensor=True)
    assert not got["shared"], f"Residual(nn.Identity())(x): {got['shared'][0]} share memory\n  hint: {hint}"
    checks.close(got["out"], 2 * x, "Residual(nn.Identity())(x)", reveal=False, hint=hint)
    checks.close(got["dx"], 2 * dout, "the gradient of Residual(nn.Identity())", reveal=False, hint=hint)
