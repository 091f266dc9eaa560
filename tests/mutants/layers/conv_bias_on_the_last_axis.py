"""conv2d_forward adds b along the last axis (out + b) instead of per filter."""
TARGET = "layers/conv.py"

_correct_conv2d_forward = conv2d_forward


def conv2d_forward(x, w, b, stride=1, pad=0):
    out, cache = _correct_conv2d_forward(x, w, np.zeros_like(b), stride, pad)
    return out + b, cache
