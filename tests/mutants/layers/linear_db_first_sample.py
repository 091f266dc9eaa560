"""linear_backward takes db from the first sample only (dout[0]) instead of summing over the batch."""
TARGET = "layers/linear.py"


def linear_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), x_flat.T @ dout, dout[0]
