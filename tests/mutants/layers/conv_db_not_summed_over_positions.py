"""conv2d_backward sums db over the batch only, taking one output position per filter."""
TARGET = "layers/conv.py"

_correct_conv2d_backward = conv2d_backward


def conv2d_backward(dout, cache):
    dx, dw, _ = _correct_conv2d_backward(dout, cache)
    return dx, dw, dout.sum(axis=0)[:, 0, 0]
