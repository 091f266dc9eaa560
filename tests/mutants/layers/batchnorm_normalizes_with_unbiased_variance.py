"""batch norm normalizing the batch with the unbiased variance (divides by N - 1)."""
TARGET = "layers/normalization.py"

_batchnorm_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if not training:
        return _batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum, eps)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    count = x.size // x.shape[1]
    mean = x.mean(axis=axes)
    var = x.var(axis=axes, ddof=1)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
    out = gamma.reshape(shape) * xhat + beta.reshape(shape)
    return (out, (xhat, gamma, inv_std, axes, True), (1 - momentum) * running_mean + momentum * mean,
            (1 - momentum) * running_var + momentum * var)
