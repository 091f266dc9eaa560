"""ReLU derivative taken as 1 at x = 0 (x >= 0 instead of x > 0)."""
TARGET = "layers/activations.py"


def relu_backward(dout, cache):
    (x,) = cache
    return np.where(x >= 0, dout, 0.0)
