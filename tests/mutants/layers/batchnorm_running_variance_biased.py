"""batch norm updating the running variance with the biased batch variance."""
TARGET = "layers/normalization.py"

_batchnorm_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    out, cache, new_mean, new_var = _batchnorm_forward(x, gamma, beta, running_mean, running_var, training,
                                                       momentum, eps)
    if training:
        var = x.var(axis=(0,) + tuple(range(2, x.ndim)))
        new_var = (1 - momentum) * running_var + momentum * var
    return out, cache, new_mean, new_var
