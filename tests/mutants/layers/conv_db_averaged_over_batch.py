"""conv2d_backward averages db over the batch instead of summing it over N, H_out and W_out."""
TARGET = "layers/conv.py"

_correct_conv2d_backward = conv2d_backward


def conv2d_backward(dout, cache):
    dx, dw, _ = _correct_conv2d_backward(dout, cache)
    return dx, dw, dout.sum(axis=(2, 3)).mean(axis=0)
