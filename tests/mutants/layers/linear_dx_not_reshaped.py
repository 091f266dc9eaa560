"""linear_backward returns dx of shape (N, D) instead of the shape of x."""
TARGET = "layers/linear.py"


def linear_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], -1)
    return dout @ w.T, x_flat.T @ dout, np.sum(dout, axis=0)
