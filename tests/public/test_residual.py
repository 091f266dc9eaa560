"""Public tests of the residual connections in layers/residual.py (torch)."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.torch_layers import residual_around_linear
from grader.testkit.probes.torch_modules import describe
from grader.testkit.probes.torch_modules import forward_backward as module_forward_backward
from tests.public.helpers import BLOCK, block_reference, zero_last_layer

X = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0], [2.0, 1.0, 1.0], [-1.0, 0.5, 2.0]], dtype=np.float32)
DOUT = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5], [0.0, -1.0, 1.0], [1.0, 1.0, 1.0]], dtype=np.float32)


@weight(1)
def test_residual_adds_the_input_to_the_output_of_f(impl):
    x = np.array([[1.0, 2.0], [-1.0, 0.5]])
    w, b = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([1.0, -1.0])
    dout = np.array([[1.0, 0.0], [0.0, 1.0]])
    got = impl.probe(residual_around_linear, "layers.residual:Residual", x, w, b, dout)
    checks.close(got["out"], x + x @ w.T + b, "Residual(linear)(x)", hint="Residual(f)(x) = x + f(x)")
    checks.close(got["dx"], dout + dout @ w, "the gradient of Residual(linear) with respect to x",
                 hint="the gradient flows through both the skip connection and f")


@weight(1)
@pytest.mark.parametrize("norm", [False, True])
def test_residual_block_has_two_linear_layers_and_batchnorm_when_norm(impl, norm):
    got = impl.probe(describe, BLOCK, [3, 5, "relu", norm], input_shape=[4, 3])
    expected = 3 * 5 + 5 + 5 * 3 + 3 + (2 * 3 if norm else 0)
    assert got["trainable"] == expected, (
        f"ResidualBlock(3, 5, norm={norm}) has {got['trainable']} trainable parameters; expected {expected}\n"
        "  hint: Linear(3 -> 5) and Linear(5 -> 3) with biases" + (", and BatchNorm(3)" if norm else ""))
    assert got["output_shape"] == [4, 3], f"ResidualBlock(3, 5) maps (4, 3) input to {got['output_shape']}"


@weight(1)
@pytest.mark.parametrize("norm", [False, True])
def test_residual_block_with_a_zero_last_layer_is_the_identity(impl, norm):
    got = impl.probe(module_forward_backward, BLOCK, X, DOUT, args=[3, 5, "relu", norm],
                     state=zero_last_layer(impl, 3, 5, "relu", norm))
    checks.allclose(got["out"], X, "ResidualBlock(x) with the last Linear set to zero",
                    hint="the block returns x + branch(x); with a zero last layer the branch is 0")
    checks.allclose(got["dx"], DOUT, "the gradient of that block with respect to x",
                    hint="the skip connection passes the gradient unchanged")


@weight(1)
@pytest.mark.parametrize("norm", [False, True])
def test_residual_block_matches_its_formula(impl, norm):
    got = impl.probe(module_forward_backward, BLOCK, X, DOUT, args=[3, 5, "relu", norm])
    out, dx = block_reference(X, DOUT, got["params"], 3, 5, "relu", norm)
    pre = "BatchNorm(dim)" if norm else "relu"
    hint = f"out = x + Linear(5 -> 3)(relu(Linear(3 -> 5)({pre}(x))))"
    checks.allclose(got["out"], out, f"ResidualBlock(3, 5, norm={norm})(x)", hint=hint)
    checks.allclose(got["dx"], dx, f"the gradient of ResidualBlock(3, 5, norm={norm}) with respect to x", hint=hint)


@weight(1)
def test_residual_block_rejects_an_unknown_activation(impl):
    """ResidualBlock raises ValueError for an activation name that ACTIVATIONS does not hold."""
    raised = impl.raised(BLOCK, 3, 5, "swish")
    assert raised == "ValueError", (
        f"ResidualBlock(3, 5, 'swish') raised {raised}; expected ValueError\n"
        "  hint: check that the name is a key of ACTIVATIONS and raise ValueError naming the valid ones")
