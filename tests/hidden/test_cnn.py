"""Hidden tests of ConvNet and Conv1dNet: counts and shapes for odd sizes, every layer traced, skips, batch norm.

The probe records the input and output of every nn.Conv2d / nn.Conv1d / nn.Linear
call; the tests recompute what must happen between them (activation, max-pool,
skip connections) in the test process.
"""
import math

import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.models import trace
from grader.testkit.probes.torch_modules import describe
from grader.testkit.probes.torch_modules import forward_backward as module_forward_backward
from tests.hidden.helpers import ORACLES, act, batchnorm, inputs
from tests.hidden.strategies import gaussian

NETS = {2: "models.cnn:ConvNet", 1: "models.cnn:Conv1dNet"}


def convnet_count(in_channels, num_classes, size, channels, extra_layers=0, dims=2, batchnorm=False):
    """Parameters of the spec's network; with batchnorm, a weight and a bias per channel after every convolution."""
    kernel, total, c, sizes = 3 ** dims, 0, in_channels, [size] * dims
    for out in channels:
        total += kernel * c * out + out + (2 * out if batchnorm else 0)
        c, sizes = out, [s // 2 for s in sizes]
    total += extra_layers * (kernel * c * c + c + (2 * c if batchnorm else 0))
    return total + c * math.prod(sizes) * num_classes + num_classes


def pool(a):
    """Returns the max-pool of a (N, C, *spatial) over windows of 2 with stride 2, rounding sizes down."""
    a = np.asarray(a)
    n, c, *sizes = a.shape
    half = [s // 2 for s in sizes]
    a = a[(slice(None), slice(None)) + tuple(slice(0, 2 * h) for h in half)]
    shape = [n, c] + [v for h in half for v in (h, 2)]
    return a.reshape(shape).max(axis=tuple(range(3, 2 + 2 * len(half), 2)))


def same_features(head_input, h, what):
    """The head sees every value of h (N, C, *spatial) once per sample; the flatten order is free."""
    n = h.shape[0]
    checks.allclose(np.sort(head_input, axis=1), np.sort(h.reshape(n, -1), axis=1), what, reveal=False,
                    hint="flatten the last feature maps for the linear head")


def check_network(got, x, stages, extra_layers, skip_every, activation, norm=False):
    """Replays the spec's network on the traced layers: every layer must receive what the spec says."""
    calls = got["calls"]
    convs = stages + extra_layers
    assert len(calls) == convs + 1 and calls[-1]["type"] == "Linear", \
        f"the network should run {stages} stage convolution(s), {extra_layers} extra convolution(s), then the head"
    checks.allclose(calls[0]["input"], x, "the input of the first convolution", reveal=False)

    def received(i, h, what, hint=""):
        if i < convs:
            checks.allclose(calls[i]["input"], h, what, reveal=False, hint=hint)
        else:
            same_features(calls[i]["input"], h, what)

    h = x
    for i in range(stages):
        y = calls[i]["output"]
        h = pool(act(activation, batchnorm(y) if norm else y))
        received(i + 1, h, f"the input after stage {i + 1}",
                 "a stage is convolution, (BatchNorm), activation, 2x2 max-pool, in this order")
    block = skip_every or 1
    for start in range(stages, convs, block):
        end = min(start + block, convs)  # the last extra_layers % skip_every layers form a shorter group
        skip = skip_every > 0 and end - start == skip_every
        h_in = h
        for i in range(start, end):
            y = calls[i]["output"]
            h = act(activation, batchnorm(y) if norm else y)
            if i < end - 1:
                received(i + 1, h, f"the input of extra convolution {i - stages + 2}",
                         "each extra layer is a shape-preserving convolution, (BatchNorm), the activation")
        if skip:
            h = h_in + h
        first, last = start - stages + 1, end - stages
        received(end, h, f"the output of extra layer {first}" + (f" to {last}" if last > first else ""),
                 "a skip connection adds a block's input to the output of its last activation" if skip else
                 "each extra layer is a shape-preserving convolution, (BatchNorm), the activation; the last "
                 "extra_layers % skip_every layers have no skip connection")
    checks.allclose(got["out"], calls[-1]["output"], "the network output", reveal=False,
                    hint="the head's output is the network's output")


@weight(2)
@given(dims=st.sampled_from([2, 1]), stages=st.integers(1, 3), data=st.data())
def test_convnet_parameter_count_and_output_shape_for_any_size(impl, dims, stages, data):
    size = data.draw(st.integers(2 ** stages, 2 ** stages + 13), label="size")
    channels = data.draw(st.lists(st.integers(1, 5), min_size=stages, max_size=stages), label="channels")
    in_channels, classes = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 5))
    extra = data.draw(st.integers(0, 3), label="extra_layers")
    n = 2
    got = impl.probe(describe, NETS[dims], [in_channels, classes, size], {"channels": channels, "extra_layers": extra},
                     input_shape=[n, in_channels] + [size] * dims)
    assert got["trainable"] == convnet_count(in_channels, classes, size, channels, extra, dims), \
        "the network has the wrong number of parameters (sizes are halved by each pool, rounding down)"
    assert got["output_shape"] == [n, classes], "the network output has the wrong shape"


@weight(2)
@pytest.mark.parametrize("dims", [2, 1])
@pytest.mark.parametrize("activation", ["relu", "tanh", "gaussian"])
def test_convnet_layers_run_in_the_spec_order(impl, dims, activation):
    size = 7 if dims == 2 else 19
    x = inputs(dims, 2, 2, *[size] * dims)
    kwargs = {"channels": [3, 4], "activation": activation, "extra_layers": 2}
    got = impl.probe(trace, NETS[dims], x, [2, 3, size], kwargs)
    check_network(got, x, 2, 2, 0, activation)


@weight(2)
@pytest.mark.parametrize("dims", [2, 1])
@pytest.mark.parametrize("extra_layers,skip_every", [(2, 1), (2, 2), (4, 2), (3, 3), (3, 2), (5, 3), (1, 2)])
def test_convnet_skip_connections_wrap_every_k_extra_layers(impl, dims, extra_layers, skip_every):
    size = 6 if dims == 2 else 12
    x = inputs(7 * extra_layers + skip_every, 2, 1, *[size] * dims)
    kwargs = {"channels": [3], "activation": "tanh", "extra_layers": extra_layers, "skip_every": skip_every}
    got = impl.probe(trace, NETS[dims], x, [1, 2, size], kwargs)
    check_network(got, x, 1, extra_layers, skip_every, "tanh")


@weight(2)
@pytest.mark.parametrize("dims", [2, 1])
@pytest.mark.parametrize("extra_layers,skip_every", [(2, 2), (4, 2)])
def test_convnet_skip_block_with_zero_branch_is_the_identity(impl, dims, extra_layers, skip_every):
    size = 8 if dims == 2 else 16
    x = inputs(3, 2, 1, *[size] * dims)
    kwargs = {"channels": [3], "activation": "tanh", "extra_layers": extra_layers, "skip_every": skip_every}
    last_in_blocks = [k + skip_every for k in range(0, extra_layers, skip_every)]
    got = impl.probe(trace, NETS[dims], x, [1, 2, size], kwargs, zero=last_in_blocks)
    calls = got["calls"]
    assert len(calls) == extra_layers + 2, "the network should run 1 stage convolution, the extra ones, the head"
    same_features(calls[-1]["input"], calls[1]["input"],
                  "the head input when every skip block ends in a zero convolution (it should see the stage output)")


@weight(2)
@pytest.mark.parametrize("dims", [2, 1])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_convnet_batchnorm_follows_each_stage_convolution(impl, dims, activation):
    size = 8 if dims == 2 else 16
    x = inputs(4, 4, 2, *[size] * dims)
    got = impl.probe(trace, NETS[dims], x, [2, 3, size], {"channels": [3, 4], "activation": activation,
                                                         "batchnorm": True}, train=True)
    check_network(got, x, 2, 0, 0, activation, norm=True)
    count = impl.probe(describe, NETS[dims], [2, 3, size], {"channels": [3, 4], "batchnorm": True})["trainable"]
    assert count == convnet_count(2, 3, size, (3, 4), dims=dims, batchnorm=True), \
        "with batchnorm=True every stage has a BatchNorm with a weight and a bias per channel"


@weight(2)
@pytest.mark.parametrize("dims", [2, 1])
@pytest.mark.parametrize("seed", [0, 1])
def test_convnet_dropout_is_active_in_training_mode_only(impl, dims, seed):
    size = 8 if dims == 2 else 16
    x = inputs(seed, 4, 1, *[size] * dims)
    kwargs = {"channels": [4], "dropout": 0.5}
    evaluated = impl.probe(trace, NETS[dims], x, [1, 3, size], kwargs, train=False, seed=seed)
    check_network(evaluated, x, 1, 0, 0, "relu")
    trained = impl.probe(trace, NETS[dims], x, [1, 3, size], kwargs, train=True, seed=seed)
    out_train = checks.array(trained["out"], "the network output in training mode", shape=(4, 3))
    assert not np.allclose(out_train, evaluated["out"]), \
        "with dropout=0.5 the output in training mode should differ from the output in eval mode"


@weight(1)
@pytest.mark.parametrize("name", sorted(ORACLES))
def test_convnet_uses_the_named_activation(impl, name):
    x = (3 * gaussian(9, 2, 1, 5, 5)).astype(np.float32)
    got = impl.probe(trace, NETS[2], x, [1, 2, 5], {"channels": [2], "activation": name, "extra_layers": 1})
    check_network(got, x, 1, 1, 0, name)


@weight(2)
@pytest.mark.parametrize("dims", [2, 1])
@pytest.mark.parametrize("skip_every", [0, 2])
def test_convnet_batchnorm_follows_each_extra_convolution(impl, dims, skip_every):
    size = 8 if dims == 2 else 16
    x = inputs(5, 4, 2, *[size] * dims)
    kwargs = {"channels": [3], "activation": "tanh", "batchnorm": True, "extra_layers": 2, "skip_every": skip_every}
    got = impl.probe(trace, NETS[dims], x, [2, 3, size], kwargs, train=True)
    check_network(got, x, 1, 2, skip_every, "tanh", norm=True)
    count = impl.probe(describe, NETS[dims], [2, 3, size], kwargs)["trainable"]
    assert count == convnet_count(2, 3, size, (3,), extra_layers=2, dims=dims, batchnorm=True), \
        "with batchnorm=True every extra layer has a BatchNorm with a weight and a bias per channel"


@weight(2)
@pytest.mark.parametrize("dims", [2, 1])
def test_convnet_dropout_zeroes_head_inputs_and_scales_the_rest(impl, dims):
    size, p = (8 if dims == 2 else 16), 0.25
    x = inputs(8, 8, 1, *[size] * dims)
    got = impl.probe(trace, NETS[dims], x, [1, 3, size], {"channels": [4], "activation": "tanh", "dropout": p},
                     train=True, seed=3)
    calls = got["calls"]
    assert [c["type"] for c in calls][-1:] == ["Linear"] and len(calls) == 2, \
        "the network should run one stage convolution, then the head"
    features = pool(act("tanh", calls[0]["output"])).reshape(8, -1)
    head_in = checks.array(calls[1]["input"], "the input of the head in training mode", shape=features.shape)
    dropped = head_in == 0
    # 256 or 512 features, each dropped with probability 0.25: the fraction lies in (0.1, 0.4) (over 5 sigma)
    assert 0.1 < dropped.mean() < 0.4, \
        f"dropout(p={p}) in training mode zeroed {dropped.mean():.0%} of the head's inputs; expected about 25%"
    for n in range(len(features)):
        kept = head_in[n][~dropped[n]] * (1 - p)
        gap = np.abs(kept[:, None] - features[n][None, :]).min(axis=1)
        assert gap.max() < 1e-5, \
            "the head's inputs that dropout keeps should be the flattened features scaled by 1 / (1 - p)"
    checks.allclose(got["out"], calls[-1]["output"], "the network output", reveal=False)


@weight(1)
@pytest.mark.parametrize("dims", [2, 1])
def test_convnet_takes_images_permuted_from_channels_last(impl, dims):
    """convnet takes images permuted from channels-last.

    An input stored channels-last and permuted to (N, C, H, W) (not contiguous) gives the output and input gradient
    of its contiguous copy: the convolutions keep that memory order, so flatten the features with flatten or
    reshape."""
    size = 6 if dims == 2 else 12
    x, dout = inputs(10, 2, 3, *[size] * dims), inputs(11, 2, 4)
    args, kwargs = [3, 4, size], {"channels": [4], "extra_layers": 1}
    plain = impl.probe(module_forward_backward, NETS[dims], x, dout, args=args, kwargs=kwargs)
    permuted = impl.probe(module_forward_backward, NETS[dims], x, dout, args=args, kwargs=kwargs,
                          layout="channels_last")
    what = NETS[dims].rpartition(":")[2]
    hint = "flatten with h.flatten(1) or h.reshape(len(h), -1): h.view(...) fails on a non-contiguous tensor"
    checks.allclose(permuted["out"], plain["out"], f"{what} output for a channels-last input", reveal=False,
                    hint=hint)
    checks.allclose(permuted["dx"], plain["dx"], f"the gradient of {what} for a channels-last input", reveal=False)
