"""Public tests of the residual connections in layers/residual.py (torch)."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight

from grader import checks
from grader.probes.torch_layers import residual_around_linear
from grader.probes.torch_modules import describe
from grader.probes.torch_modules import forward_backward as module_forward_backward

BLOCK = "layers.residual:ResidualBlock"
ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.1),
    "silu": torch.nn.functional.silu,
    "gaussian": lambda t: torch.exp(-t * t),
}


def block_parts(shapes, dim, hidden_dim):
    """Returns the names of a ResidualBlock's parameters by role: {"fc1", "fc2", "norm"} -> (weight, bias) or None.

    shapes: the parameter shapes by name. The Linear layers are told apart by
    their weight shapes (hidden_dim != dim); any other weight is the BatchNorm's.
    """
    prefixes = [name[:-len("weight")] for name in shapes if name.endswith("weight")]

    def linear(shape):
        found = [p for p in prefixes if list(shapes[p + "weight"]) == list(shape)]
        assert len(found) == 1, f"ResidualBlock({dim}, {hidden_dim}) should have one nn.Linear with weight {shape}"
        assert found[0] + "bias" in shapes, f"the nn.Linear {found[0]!r} of ResidualBlock should have a bias"
        return found[0] + "weight", found[0] + "bias"

    fc1, fc2 = linear((hidden_dim, dim)), linear((dim, hidden_dim))
    others = [p for p in prefixes if p + "weight" not in (fc1[0], fc2[0])]
    norm = (others[0] + "weight", others[0] + "bias") if others else None
    return {"fc1": fc1, "fc2": fc2, "norm": norm}


def block_reference(x, dout, params, dim, hidden_dim, activation, norm, train=True):
    """Returns (out, dx) of x + fc2(act(fc1(pre(x)))) computed with torch in float64 from the probed parameters."""
    parts = block_parts({k: np.shape(v) for k, v in params.items()}, dim, hidden_dim)
    if norm:
        assert parts["norm"] is not None, "ResidualBlock(..., norm=True) should hold a BatchNorm(dim)"
    t = {k: torch.tensor(np.asarray(v, dtype=np.float64)) for k, v in params.items()}
    act = ACTIVATIONS[activation]
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    if norm:
        mean = xt.mean(dim=0) if train else torch.zeros(dim, dtype=torch.float64)
        var = xt.var(dim=0, unbiased=False) if train else torch.ones(dim, dtype=torch.float64)
        pre = (xt - mean) / torch.sqrt(var + 1e-5) * t[parts["norm"][0]] + t[parts["norm"][1]]
    else:
        pre = act(xt)
    hidden = act(pre @ t[parts["fc1"][0]].T + t[parts["fc1"][1]])
    out = xt + hidden @ t[parts["fc2"][0]].T + t[parts["fc2"][1]]
    out.backward(torch.tensor(dout, dtype=torch.float64))
    return out.detach().numpy(), xt.grad.numpy()


def zero_last_layer(impl, dim, hidden_dim, activation, norm):
    """The state that loads zeros into the last Linear of ResidualBlock(dim, hidden_dim, activation, norm)."""
    shapes = impl.probe(describe, BLOCK, [dim, hidden_dim, activation, norm])["param_shapes"]
    return {name: np.zeros(shapes[name]) for name in block_parts(shapes, dim, hidden_dim)["fc2"]}


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
