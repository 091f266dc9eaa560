"""sigmoid derivative evaluated as x * (1 - x) at the input instead of the output."""
TARGET = "layers/activations.py"


def sigmoid_forward(x):
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, (x,)


def sigmoid_backward(dout, cache):
    (x,) = cache
    return dout * x * (1.0 - x)
