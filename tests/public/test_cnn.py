"""Public tests of ConvNet and Conv1dNet in models/cnn.py: parameter counts, output shapes, one stage traced.

The probe records what every nn.Conv2d / nn.Conv1d / nn.Linear call receives and
returns, in call order, so the tests can check what happens between them.
"""
import math

import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.models import trace
from grader.testkit.probes.torch_modules import describe

CONVNET = "models.cnn:ConvNet"
CONV1D = "models.cnn:Conv1dNet"


def convnet_count(in_channels, num_classes, size, channels, extra_layers=0, dims=2):
    """Parameters of the spec's network: 3x3 (1-D: 3) convolutions with bias, then the linear head."""
    kernel, total, c, sizes = 3 ** dims, 0, in_channels, [size] * dims
    for out in channels:
        total += kernel * c * out + out
        c, sizes = out, [s // 2 for s in sizes]
    total += extra_layers * (kernel * c * c + c)
    return total + c * math.prod(sizes) * num_classes + num_classes


@weight(1)
def test_default_convnet_on_mnist_has_fewer_than_a_million_parameters(impl):
    got = impl.probe(describe, CONVNET, [1, 10, 28], input_shape=[2, 1, 28, 28])
    assert got["trainable"] < 1_000_000, f"ConvNet(1, 10, 28) has {got['trainable']:,} parameters; keep it under 1M"
    assert got["trainable"] == convnet_count(1, 10, 28, (32, 64)), \
        f"ConvNet(1, 10, 28) should have {convnet_count(1, 10, 28, (32, 64)):,} parameters: two stages of a 3x3 " \
        "convolution and 2x2 max-pool (28 -> 14 -> 7), then Linear(64 * 7 * 7, 10)"
    assert got["output_shape"] == [2, 10], "ConvNet(1, 10, 28) output shape for a batch of 2 images"


@weight(1)
@pytest.mark.parametrize("size", [8, 7, 5])
def test_convnet_rounds_odd_image_sizes_down_at_each_pool(impl, size):
    got = impl.probe(describe, CONVNET, [3, 4, size], {"channels": [2, 5]}, input_shape=[2, 3, size, size])
    expected = convnet_count(3, 4, size, (2, 5))
    assert got["trainable"] == expected, \
        f"ConvNet(3, 4, {size}, channels=(2, 5)) should have {expected} parameters ({size} -> {size // 2} -> " \
        f"{size // 4} after the two 2x2 max-pools, rounding down)"
    assert got["output_shape"] == [2, 4], f"ConvNet(3, 4, {size}) output shape"


@weight(1)
def test_convnet_extra_layers_keep_the_shape(impl):
    got = impl.probe(describe, CONVNET, [1, 3, 8], {"channels": [4], "extra_layers": 2}, input_shape=[2, 1, 8, 8])
    expected = convnet_count(1, 3, 8, (4,), extra_layers=2)
    assert got["trainable"] == expected, \
        f"ConvNet(1, 3, 8, channels=(4,), extra_layers=2) should have {expected} parameters: each extra layer is a " \
        "3x3 convolution from 4 to 4 channels with padding 1, and the head sees 4 * 4 * 4 features"
    assert got["output_shape"] == [2, 3], "ConvNet output shape with extra layers"


@weight(1)
def test_convnet_stage_is_conv_then_activation_then_max_pool(impl):
    x = np.random.default_rng(0).standard_normal((2, 1, 4, 4)).astype(np.float32)
    got = impl.probe(trace, CONVNET, x, [1, 3, 4], {"channels": [2]})
    calls = got["calls"]
    assert [c["type"] for c in calls] == ["Conv2d", "Linear"], "ConvNet with one stage: one nn.Conv2d, then the head"
    conv = calls[0]["output"]
    checks.array(conv, "the output of the convolution", shape=(2, 2, 4, 4))
    pooled = np.maximum(conv, 0).reshape(2, 2, 2, 2, 2, 2).max(axis=(3, 5))
    # the head sees every pooled value once per sample, in the flatten order of your choice
    checks.allclose(np.sort(calls[1]["input"], axis=1), np.sort(pooled.reshape(2, -1), axis=1),
                    "the input of the linear head (sorted per sample)",
                    hint="a stage is convolution, activation, 2x2 max-pool; then flatten for the head")
    checks.allclose(got["out"], calls[1]["output"], "the ConvNet output")


@weight(1)
@pytest.mark.parametrize("length", [40, 41])
def test_conv1dnet_shapes_and_parameter_count(impl, length):
    got = impl.probe(describe, CONV1D, [1, 10, length], input_shape=[2, 1, length])
    expected = convnet_count(1, 10, length, (32, 64), dims=1)
    assert got["trainable"] == expected, \
        f"Conv1dNet(1, 10, {length}) should have {expected} parameters: kernel-3 convolutions, pools of 2 " \
        f"({length} -> {length // 2} -> {length // 4}), then the head"
    assert got["output_shape"] == [2, 10], "Conv1dNet output shape for a batch of 2 signals"


@weight(1)
def test_convnet_accepts_an_image_size_of_height_and_width(impl):
    got = impl.probe(describe, CONVNET, [1, 3, [8, 6]], {"channels": [2]}, input_shape=[2, 1, 8, 6])
    expected = (9 * 1 * 2 + 2) + (2 * 4 * 3 * 3 + 3)
    assert got["trainable"] == expected, \
        f"ConvNet(1, 3, image_size=(8, 6), channels=(2,)) should have {expected} parameters: the pool makes the " \
        "8x6 maps 4x3, so the head is Linear(2 * 4 * 3, 3)"
    assert got["output_shape"] == [2, 3], "ConvNet(1, 3, (8, 6)) output shape for a batch of 2 images of 8x6"


@weight(1)
@pytest.mark.parametrize("name,size,channels", [(CONVNET, 3, [4, 4]), (CONVNET, [8, 1], [4]), (CONV1D, 3, [4, 4]),
                                               (CONV1D, 1, [4])], ids=["3x3", "8x1", "length-3", "length-1"])
def test_convnet_rejects_inputs_too_small_for_its_pools(impl, name, size, channels):
    assert impl.raised(name, 1, 2, size, channels) == "ValueError", \
        f"{name.split(':')[1]}(1, 2, {size}, channels={channels}) should raise ValueError: a size would drop below " \
        "1 after the 2x2 max-pools"


@weight(1)
@pytest.mark.parametrize("name,extra_layers,skip_every", [(CONVNET, -1, 0), (CONVNET, 2, -1), (CONV1D, -2, 1)],
                         ids=["extra_layers=-1", "skip_every=-1", "1-D extra_layers=-2"])
def test_convnet_rejects_a_negative_extra_layers_or_skip_every(impl, name, extra_layers, skip_every):
    """A negative extra_layers or skip_every raises ValueError."""
    got = impl.raised(name, 1, 2, 8, [4], extra_layers=extra_layers, skip_every=skip_every)
    assert got == "ValueError", \
        f"{name.split(':')[1]}(1, 2, 8, channels=[4], extra_layers={extra_layers}, skip_every={skip_every}) " \
        f"should raise ValueError: neither may be negative; it raised {got or 'nothing'}"
