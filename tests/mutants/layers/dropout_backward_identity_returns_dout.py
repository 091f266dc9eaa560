"""dropout_backward handing back the caller's dout itself where dropout was the identity."""
TARGET = "layers/dropout.py"


def dropout_backward(dout, cache):
    (mask,) = cache
    return dout if mask is None else dout * mask
