"""linear_backward computes dx with w.reshape(M, D) instead of w.T (same shape, scrambled entries)."""
TARGET = "layers/linear.py"


def linear_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], -1)
    dx = dout @ w.reshape(w.shape[1], w.shape[0])
    return dx.reshape(x.shape), x_flat.T @ dout, np.sum(dout, axis=0)
