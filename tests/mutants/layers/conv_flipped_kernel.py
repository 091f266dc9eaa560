"""conv2d_forward flips the kernel (a true convolution instead of torch's cross-correlation)."""
TARGET = "layers/conv.py"

_correct_conv2d_forward = conv2d_forward
_correct_conv2d_backward = conv2d_backward


def conv2d_forward(x, w, b, stride=1, pad=0):
    return _correct_conv2d_forward(x, w[:, :, ::-1, ::-1], b, stride, pad)


def conv2d_backward(dout, cache):
    dx, dw, db = _correct_conv2d_backward(dout, cache)
    return dx, dw[:, :, ::-1, ::-1], db
