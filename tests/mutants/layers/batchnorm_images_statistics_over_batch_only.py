"""batch norm of (N, C, H, W) input taking statistics over N only (per channel and pixel), not over N, H, W."""
TARGET = "layers/normalization.py"

_batchnorm_forward = batchnorm_forward
_batchnorm_backward = batchnorm_backward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if x.ndim == 2:
        return _batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum, eps)
    n, c, h, w = x.shape
    flat = x.reshape(n, c * h * w)
    out, cache, new_mean, new_var = _batchnorm_forward(
        flat, np.repeat(gamma, h * w), np.repeat(beta, h * w), np.repeat(running_mean, h * w),
        np.repeat(running_var, h * w), training, momentum, eps)
    return (out.reshape(x.shape), (cache, x.shape), new_mean.reshape(c, h * w).mean(axis=1),
            new_var.reshape(c, h * w).mean(axis=1))


def batchnorm_backward(dout, cache):
    if len(cache) != 2:
        return _batchnorm_backward(dout, cache)
    inner, shape = cache
    n, c, h, w = shape
    dx, dgamma, dbeta = _batchnorm_backward(dout.reshape(n, -1), inner)
    return dx.reshape(shape), dgamma.reshape(c, h * w).sum(axis=1), dbeta.reshape(c, h * w).sum(axis=1)
