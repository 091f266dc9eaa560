"""linear_forward caches the flattened x, so linear_backward cannot reshape dx back to the shape of x."""
TARGET = "layers/linear.py"


def linear_forward(x, w, b):
    x_flat = x.reshape(x.shape[0], -1)
    return x_flat @ w + b, (x_flat, w)
