"""linear_backward reusing dout as scratch memory: it is zeroed after the gradients are read from it."""
TARGET = "layers/linear.py"

_linear_backward = linear_backward


def linear_backward(dout, cache):
    dx, dw, db = _linear_backward(dout, cache)
    dout[...] = 0.0
    return dx, dw, db
