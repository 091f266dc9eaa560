"""dropout_backward multiplying dout by the mask in place and returning it (dout *= mask)."""
TARGET = "layers/dropout.py"


def dropout_backward(dout, cache):
    (mask,) = cache
    if mask is None:
        return dout.copy()
    dout *= mask
    return dout
