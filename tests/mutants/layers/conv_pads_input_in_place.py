"""conv2d_forward pads in place: it zeroes the border of x itself before padding a copy of it."""
TARGET = "layers/conv.py"

_correct_conv2d_forward = conv2d_forward


def conv2d_forward(x, w, b, stride=1, pad=0):
    out, cache = _correct_conv2d_forward(x, w, b, stride, pad)
    if pad > 0:
        x[:, :, :pad] = 0.0
        x[:, :, -pad:] = 0.0
    return out, cache
