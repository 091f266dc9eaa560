"""numpy batch norm with a staged (node by node) backward pass and the statistics kept in the cache."""
TARGET = "layers/normalization.py"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    axes = tuple(i for i in range(x.ndim) if i != 1)
    keep = [1] * x.ndim
    keep[1] = x.shape[1]
    m = x.size // x.shape[1]
    if training:
        if m <= 1:
            raise ValueError("training needs at least two values per feature")
        mean = np.mean(x, axis=axes)
        centered = x - mean.reshape(keep)
        var = np.mean(centered ** 2, axis=axes)
        new_mean = momentum * mean + (1 - momentum) * running_mean
        new_var = momentum * np.sum(centered ** 2, axis=axes) / (m - 1) + (1 - momentum) * running_var
    else:
        mean, var = running_mean, running_var
        centered = x - mean.reshape(keep)
        new_mean, new_var = np.array(running_mean), np.array(running_var)
    std = np.sqrt(var + eps)
    xhat = centered / std.reshape(keep)
    out = xhat * gamma.reshape(keep) + beta.reshape(keep)
    return out, (centered, std, xhat, gamma, axes, keep, m, training), new_mean, new_var


def batchnorm_backward(dout, cache):
    centered, std, xhat, gamma, axes, keep, m, training = cache
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * xhat).sum(axis=axes)
    dxhat = dout * gamma.reshape(keep)
    dcentered = dxhat / std.reshape(keep)
    if training:
        dstd = -(dxhat * centered).sum(axis=axes) / std ** 2
        dvar = dstd / (2 * std)
        dcentered = dcentered + 2 * centered * dvar.reshape(keep) / m
        dmean = -dcentered.sum(axis=axes)
        dx = dcentered + dmean.reshape(keep) / m
    else:
        dx = dcentered
    return dx, dgamma, dbeta
