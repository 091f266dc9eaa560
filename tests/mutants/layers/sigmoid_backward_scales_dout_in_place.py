"""sigmoid_backward scaling dout in place and returning it (dout *= s * (1 - s))."""
TARGET = "layers/activations.py"


def sigmoid_backward(dout, cache):
    (s,) = cache
    dout *= s * (1.0 - s)
    return dout
