"""linear_backward returns dw transposed, (M, D) = dout.T @ x, instead of (D, M)."""
TARGET = "layers/linear.py"


def linear_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), dout.T @ x_flat, np.sum(dout, axis=0)
