"""tanh derivative 1 - x^2 at the input instead of 1 - tanh(x)^2."""
TARGET = "layers/activations.py"


def tanh_forward(x):
    return np.tanh(x), (x,)


def tanh_backward(dout, cache):
    (x,) = cache
    return dout * (1.0 - x * x)
