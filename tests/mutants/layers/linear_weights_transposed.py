"""linear treats w as (M, D): forward x @ w.T and backward with w instead of w.T."""
TARGET = "layers/linear.py"


def linear_forward(x, w, b):
    return x.reshape(x.shape[0], -1) @ w.T + b, (x, w)


def linear_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], -1)
    return (dout @ w).reshape(x.shape), (x_flat.T @ dout).T, np.sum(dout, axis=0)
