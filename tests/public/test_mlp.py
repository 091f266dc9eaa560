"""Public tests of MLP and ResidualMLP in models/mlp.py: shapes, parameter counts, what runs between the layers.

The models are observed through their nn.Linear layers: the probe records what
each one receives and returns, in call order.
"""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.models import trace
from grader.testkit.probes.torch_modules import describe

MLP = "models.mlp:MLP"
RES = "models.mlp:ResidualMLP"
X = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)


def mlp_count(d_in, hidden, d_out, depth):
    """Weights and biases of depth linear layers d_in -> hidden -> ... -> hidden -> d_out."""
    sizes = [d_in] + [hidden] * (depth - 1) + [d_out]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


@weight(1)
@pytest.mark.parametrize("depth", [1, 2, 4])
def test_mlp_has_the_parameters_and_output_shape_of_its_layer_sizes(impl, depth):
    got = impl.probe(describe, MLP, [5, 8, 3, depth], input_shape=[4, 5])
    assert got["trainable"] == mlp_count(5, 8, 3, depth), \
        f"MLP(5, 8, 3, depth={depth}) should have {mlp_count(5, 8, 3, depth)} parameters, has {got['trainable']}"
    assert got["output_shape"] == [4, 3], f"MLP(5, 8, 3, depth={depth}) output shape for a (4, 5) input"


@weight(1)
@pytest.mark.parametrize("depth", [1, 3])
def test_mlp_depth_is_the_number_of_linear_layers(impl, depth):
    got = impl.probe(trace, MLP, X, [5, 8, 3, depth])
    assert [c["type"] for c in got["calls"]] == ["Linear"] * depth, \
        f"MLP(..., depth={depth}) should run {depth} nn.Linear layer(s), one after the other"


@weight(1)
def test_mlp_applies_the_activation_after_every_hidden_layer_only(impl):
    got = impl.probe(trace, MLP, X, [5, 8, 3, 3], {"activation": "relu"})
    calls = got["calls"]
    assert len(calls) == 3, "MLP(..., depth=3) should run 3 nn.Linear layers"
    for k in range(2):
        checks.allclose(calls[k + 1]["input"], np.maximum(calls[k]["output"], 0),
                        f"the input of linear layer {k + 2}", hint="apply the activation after every hidden layer, "
                        "the last one included")
    checks.allclose(got["out"], calls[2]["output"], "the MLP output", hint="no activation after the output layer")


@weight(1)
def test_mlp_output_activation_is_applied_last(impl):
    got = impl.probe(trace, MLP, X, [5, 8, 3, 2], {"output_activation": "sigmoid"})
    expected = torch.sigmoid(torch.tensor(got["calls"][-1]["output"])).numpy()
    checks.allclose(got["out"], expected, "MLP(..., output_activation='sigmoid') output")


@weight(1)
@pytest.mark.parametrize("norm", [False, True])
def test_residual_mlp_has_the_parameters_and_output_shape_of_its_layers(impl, norm):
    got = impl.probe(describe, RES, [5, 6, 3, 2, 4], {"norm": norm}, input_shape=[4, 5])
    block = (6 * 4 + 4) + (4 * 6 + 6) + (2 * 6 if norm else 0)
    expected = (5 * 6 + 6) + 2 * block + (2 * 6 if norm else 0) + (6 * 3 + 3)
    assert got["trainable"] == expected, \
        f"ResidualMLP(5, 6, 3, num_blocks=2, block_hidden=4, norm={norm}) should have {expected} parameters"
    assert got["output_shape"] == [4, 3], "ResidualMLP output shape for a (4, 5) input"


@weight(1)
def test_residual_mlp_adds_each_block_output_to_its_input(impl):
    got = impl.probe(trace, RES, X, [5, 6, 3, 2, 4])
    calls = got["calls"]
    assert len(calls) == 6, "ResidualMLP with 2 blocks should run 6 nn.Linear layers: in, 2 per block, out"
    h = calls[0]["output"]
    for b in range(2):
        h = h + calls[2 + 2 * b]["output"]
    checks.allclose(calls[5]["input"], h, "the input of the output layer",
                    hint="linear_out receives linear_in(x) plus the branch output of every block")
    checks.allclose(got["out"], calls[5]["output"], "the ResidualMLP output")


@weight(1)
@pytest.mark.parametrize("depth", [0, -1])
def test_mlp_rejects_a_depth_below_one(impl, depth):
    assert impl.raised(MLP, 5, 8, 3, depth) == "ValueError", \
        f"MLP(5, 8, 3, depth={depth}) should raise ValueError: depth counts the linear layers, at least 1"


@weight(1)
@pytest.mark.parametrize("name", [MLP, RES], ids=["MLP", "ResidualMLP"])
def test_mlps_flatten_images_before_the_first_linear_layer(impl, name):
    x = np.random.default_rng(1).standard_normal((4, 2, 3, 2)).astype(np.float32)
    args = [12, 6, 3, 2] if name == MLP else [12, 6, 3, 1, 4]
    got = impl.probe(trace, name, x, args)
    first = got["calls"][0]["input"]
    checks.array(first, "the input of the first linear layer for a (4, 2, 3, 2) input", shape=(4, 12))
    # every pixel of an image reaches the first layer once, in the flatten order of your choice
    checks.allclose(np.sort(first, axis=1), np.sort(x.reshape(4, -1), axis=1),
                    "the input of the first linear layer (sorted per sample)",
                    hint="flatten (N, d1, ..., dk) to (N, d1 * ... * dk) first, e.g. x.flatten(1)")
    checks.array(got["out"], "the output for a (4, 2, 3, 2) input", shape=(4, 3))
