"""linear_backward averages dout over the batch for db instead of summing."""
TARGET = "layers/linear.py"


def linear_backward(dout, cache):
    x, w = cache
    x_flat = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), x_flat.T @ dout, np.mean(dout, axis=0)
