"""conv2d_backward reusing dout as scratch memory: it is zeroed after the gradients are read from it."""
TARGET = "layers/conv.py"

_conv2d_backward = conv2d_backward


def conv2d_backward(dout, cache):
    dx, dw, db = _conv2d_backward(dout, cache)
    dout[...] = 0.0
    return dx, dw, db
