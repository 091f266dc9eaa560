"""Hidden tests of MLP and ResidualMLP: layer counts, what runs between the linear layers, batch norm, dropout.

The probe records the input and output of every nn.Linear call; the tests
recompute what must happen between two of them with torch as the oracle.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.models import trace
from grader.testkit.probes.torch_modules import describe
from grader.testkit.probes.torch_modules import forward_backward as module_forward_backward
from tests.hidden.helpers import ORACLES, act, batchnorm, inputs
from tests.hidden.strategies import seeds

MLP = "models.mlp:MLP"
RES = "models.mlp:ResidualMLP"


def linear_calls(got, n, what):
    calls = got["calls"]
    assert len(calls) == n, f"{what} should run {n} nn.Linear layers, one after the other"
    return calls


def mlp_count(d_in, hidden, d_out, depth, batchnorm=False):
    sizes = [d_in] + [hidden] * (depth - 1) + [d_out]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])) + (2 * hidden * (depth - 1) if batchnorm else 0)


def residual_count(d_in, hidden, d_out, blocks, block_hidden, norm):
    block = (hidden * block_hidden + block_hidden) + (block_hidden * hidden + hidden) + (2 * hidden if norm else 0)
    return (d_in * hidden + hidden) + blocks * block + (2 * hidden if norm else 0) + (hidden * d_out + d_out)


@weight(2)
@given(d_in=st.integers(1, 12), hidden=st.integers(1, 12), d_out=st.integers(1, 6), depth=st.integers(1, 5),
       batchnorm=st.booleans(), n=st.integers(2, 5))
def test_mlp_parameter_count_and_output_shape_follow_the_spec(impl, d_in, hidden, d_out, depth, batchnorm, n):
    got = impl.probe(describe, MLP, [d_in, hidden, d_out, depth], {"batchnorm": batchnorm}, input_shape=[n, d_in])
    assert got["trainable"] == mlp_count(d_in, hidden, d_out, depth, batchnorm), \
        "MLP has the wrong number of parameters (depth linear layers, plus BatchNorm weight and bias per hidden layer)"
    assert got["output_shape"] == [n, d_out], "MLP output has the wrong shape"


@weight(2)
@pytest.mark.parametrize("activation", list(ORACLES))
@pytest.mark.parametrize("depth", [1, 2, 4])
def test_mlp_applies_the_activation_between_linear_layers_only(impl, activation, depth):
    x = inputs(depth, 6, 5)
    got = impl.probe(trace, MLP, x, [5, 7, 3, depth], {"activation": activation})
    calls = linear_calls(got, depth, f"MLP(..., depth={depth})")
    checks.allclose(calls[0]["input"], x, "the input of the first linear layer", reveal=False,
                    hint="nothing comes before the first linear layer")
    for k in range(depth - 1):
        checks.allclose(calls[k + 1]["input"], act(activation, calls[k]["output"]),
                        f"the input of linear layer {k + 2} ({activation})", reveal=False,
                        hint="the activation follows every hidden layer, the last one included")
    checks.allclose(got["out"], calls[-1]["output"], "the MLP output", reveal=False,
                    hint="no activation after the output layer unless output_activation names one")


@weight(1)
@pytest.mark.parametrize("output_activation", ["sigmoid", "tanh", "gaussian"])
def test_mlp_output_activation_follows_the_last_linear_layer(impl, output_activation):
    x = inputs(1, 6, 5)
    got = impl.probe(trace, MLP, x, [5, 7, 3, 3], {"output_activation": output_activation})
    calls = linear_calls(got, 3, "MLP(..., depth=3)")
    checks.allclose(calls[2]["input"], act("relu", calls[1]["output"]), "the input of the output layer",
                    reveal=False)
    checks.allclose(got["out"], act(output_activation, calls[2]["output"]),
                    f"MLP output with output_activation={output_activation!r}", reveal=False)


@weight(2)
@pytest.mark.parametrize("activation", ["relu", "tanh", "gaussian"])
def test_mlp_batchnorm_normalizes_every_hidden_layer_in_training_mode(impl, activation):
    x = inputs(2, 16, 5)
    got = impl.probe(trace, MLP, x, [5, 8, 3, 3], {"activation": activation, "batchnorm": True}, train=True)
    calls = linear_calls(got, 3, "MLP(..., depth=3, batchnorm=True)")
    for k in range(2):
        h = calls[k]["output"]
        before, after = act(activation, batchnorm(h)), batchnorm(act(activation, h))
        received = calls[k + 1]["input"]
        err = min(np.max(np.abs(received - before)), np.max(np.abs(received - after)))
        assert err < 1e-4, (f"the input of linear layer {k + 2} is not the batch-normalized hidden layer "
                            "(BatchNorm next to the activation, with the batch statistics in training mode)")
    checks.allclose(got["out"], calls[-1]["output"], "the MLP output", reveal=False,
                    hint="no BatchNorm or activation after the output layer")


@weight(2)
def test_mlp_dropout_drops_hidden_units_in_training_mode_only(impl):
    x, p = inputs(3, 32, 6), 0.5
    kwargs = {"dropout": p}
    got = impl.probe(trace, MLP, x, [6, 32, 4, 3], kwargs, train=True)
    calls = linear_calls(got, 3, "MLP(..., depth=3, dropout=0.5)")
    for k in range(2):
        kept = act("relu", calls[k]["output"])
        received = calls[k + 1]["input"]
        dropped = received == 0
        frac = dropped[kept > 0].mean()
        assert 0.3 < frac < 0.7, (f"dropout(p=0.5) in training mode dropped {frac:.0%} of the hidden units before "
                                  f"linear layer {k + 2}; expected about half")
        checks.allclose(np.where(dropped, 0.0, received), np.where(dropped, 0.0, kept / (1 - p)),
                        f"the kept units entering linear layer {k + 2}", reveal=False,
                        hint="inverted dropout after the activation: kept units are scaled by 1 / (1 - p)")
    checks.allclose(got["out"], calls[-1]["output"], "the MLP output in training mode", reveal=False,
                    hint="no dropout after the output layer")
    evaluated = impl.probe(trace, MLP, x, [6, 32, 4, 3], kwargs, train=False)
    calls = linear_calls(evaluated, 3, "MLP(..., depth=3, dropout=0.5)")
    for k in range(2):
        checks.allclose(calls[k + 1]["input"], act("relu", calls[k]["output"]),
                        f"the input of linear layer {k + 2} in eval mode", reveal=False,
                        hint="dropout is the identity in eval mode")


@weight(2)
@given(d_in=st.integers(1, 8), hidden=st.integers(1, 8), d_out=st.integers(1, 5), blocks=st.integers(0, 3),
       block_hidden=st.integers(1, 8), norm=st.booleans())
def test_residual_mlp_parameter_count_and_output_shape_follow_the_spec(impl, d_in, hidden, d_out, blocks,
                                                                       block_hidden, norm):
    got = impl.probe(describe, RES, [d_in, hidden, d_out, blocks, block_hidden], {"norm": norm},
                     input_shape=[3, d_in])
    assert got["trainable"] == residual_count(d_in, hidden, d_out, blocks, block_hidden, norm), \
        "ResidualMLP has the wrong number of parameters"
    assert got["output_shape"] == [3, d_out], "ResidualMLP output has the wrong shape"


@weight(2)
@pytest.mark.parametrize("norm", [False, True])
@given(seed=seeds(), blocks=st.integers(1, 3))
def test_residual_mlp_runs_linear_in_blocks_and_linear_out(impl, norm, seed, blocks):
    x = inputs(seed, 8, 5)
    got = impl.probe(trace, RES, x, [5, 6, 3, blocks, 4], {"activation": "tanh", "norm": norm}, train=True,
                     seed=seed % 1000)
    calls = linear_calls(got, 2 + 2 * blocks, f"ResidualMLP with {blocks} block(s)")
    h = calls[0]["output"]
    checks.allclose(calls[0]["input"], x, "the input of linear_in", reveal=False)
    for b in range(blocks):
        first, second = calls[1 + 2 * b], calls[2 + 2 * b]
        checks.allclose(first["input"], batchnorm(h) if norm else act("tanh", h),
                        f"the input of block {b + 1}'s first linear layer", reveal=False)
        checks.allclose(second["input"], act("tanh", first["output"]),
                        f"the input of block {b + 1}'s second linear layer", reveal=False)
        h = h + second["output"]
    checks.allclose(calls[-1]["input"], batchnorm(h) if norm else h, "the input of linear_out", reveal=False,
                    hint="linear_out receives the last block's output (through BatchNorm when norm), "
                         "with no activation")
    checks.allclose(got["out"], calls[-1]["output"], "the ResidualMLP output", reveal=False)


@weight(2)
def test_residual_mlp_with_zero_branches_is_linear_out_of_linear_in(impl):
    x = inputs(5, 4, 5)
    blocks = 2
    got = impl.probe(trace, RES, x, [5, 6, 3, blocks, 4], zero=[2 + 2 * b for b in range(blocks)])
    calls = linear_calls(got, 2 + 2 * blocks, f"ResidualMLP with {blocks} blocks")
    w_in, b_in, w_out, b_out = (torch.tensor(calls[i][k]) for i in (0, -1) for k in ("weight", "bias"))
    expected = F.linear(F.linear(torch.tensor(x), w_in, b_in), w_out, b_out).numpy()
    checks.allclose(got["out"], expected, "ResidualMLP output when every block's branch is zero", reveal=False,
                    hint="each block is x + branch(x): with a zero branch the network is linear_out(linear_in(x))")


@weight(2)
@pytest.mark.parametrize("activation", ["relu", "tanh", "gaussian"])
@pytest.mark.parametrize("dropout", [0.0, 0.25])
def test_mlp_hidden_layers_run_batchnorm_then_activation_then_dropout(impl, activation, dropout):
    x = inputs(6, 32, 5)
    kwargs = {"activation": activation, "batchnorm": True, "dropout": dropout}
    got = impl.probe(trace, MLP, x, [5, 16, 3, 3], kwargs, train=True)
    calls = linear_calls(got, 3, "MLP(..., depth=3, batchnorm=True)")
    for k in range(2):
        expected = act(activation, batchnorm(calls[k]["output"])) / (1 - dropout)
        received = checks.array(calls[k + 1]["input"], f"the input of linear layer {k + 2}", shape=expected.shape)
        dropped = (received == 0) if dropout > 0 else np.zeros(received.shape, dtype=bool)
        assert dropped[expected != 0].mean() < 0.6, (
            f"the input of linear layer {k + 2} is mostly zeros; dropout(p={dropout}) should drop about a quarter "
            "of the hidden units")
        checks.allclose(np.where(dropped, 0.0, received), np.where(dropped, 0.0, expected),
                        f"the input of linear layer {k + 2} ({activation}, dropout={dropout})", rtol=1e-4, atol=1e-4,
                        reveal=False, hint="between two linear layers: BatchNorm, then the activation, then Dropout, "
                                           "in this order")
    checks.allclose(got["out"], calls[-1]["output"], "the MLP output", reveal=False,
                    hint="nothing after the output layer unless output_activation names one")


@weight(1)
@pytest.mark.parametrize("name, args", [(MLP, [12, 5, 3, 2]), (RES, [12, 5, 3, 1, 4])], ids=["mlp", "residual_mlp"])
def test_mlp_flattens_a_non_contiguous_input(impl, name, args):
    """A permuted (non-contiguous) (N, 3, 4) input gives the output and input gradient of its contiguous copy."""
    x, dout = inputs(3, 2, 3, 4), inputs(4, 2, 3)
    plain = impl.probe(module_forward_backward, name, x, dout, args=args)
    permuted = impl.probe(module_forward_backward, name, x, dout, args=args, layout="channels_last")
    what = name.rpartition(":")[2]
    hint = "flatten with x.flatten(1) or x.reshape(len(x), -1): x.view(...) fails on a non-contiguous tensor"
    checks.allclose(permuted["out"], plain["out"], f"{what} output for a permuted input", reveal=False, hint=hint)
    checks.allclose(permuted["dx"], plain["dx"], f"the gradient of {what} for a permuted input", reveal=False)
