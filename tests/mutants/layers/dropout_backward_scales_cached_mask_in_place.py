"""dropout_backward computing dx in the cached mask (dx = mask; dx *= dout): a second backward is wrong."""
TARGET = "layers/dropout.py"


def dropout_backward(dout, cache):
    (mask,) = cache
    if mask is None:
        return dout.copy()
    dx = mask
    dx *= dout
    return dx
