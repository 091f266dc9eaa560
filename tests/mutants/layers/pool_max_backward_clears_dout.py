"""maxpool2d_backward zeroing each dout entry once it is routed to its window's maximum (dout changes)."""
TARGET = "layers/pool.py"

_maxpool2d_backward = maxpool2d_backward


def maxpool2d_backward(dout, cache):
    dx = _maxpool2d_backward(dout, cache)
    dout[...] = 0.0
    return dx
