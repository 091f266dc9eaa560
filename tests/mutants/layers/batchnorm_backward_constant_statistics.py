"""batch norm backward treating the batch mean and variance as constants: dx = dout * gamma / std."""
TARGET = "layers/normalization.py"


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std, axes, training = cache
    shape = (1, -1) + (1,) * (xhat.ndim - 2)
    dx = dout * gamma.reshape(shape) * inv_std.reshape(shape)
    return dx, np.sum(dout * xhat, axis=axes), np.sum(dout, axis=axes)
