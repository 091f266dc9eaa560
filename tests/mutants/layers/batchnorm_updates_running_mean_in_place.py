"""batch norm updating running_mean and running_var in place (the inputs change)."""
TARGET = "layers/normalization.py"

_batchnorm_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    out, cache, new_mean, new_var = _batchnorm_forward(x, gamma, beta, running_mean, running_var, training,
                                                       momentum, eps)
    running_mean[...] = new_mean
    running_var[...] = new_var
    return out, cache, running_mean, running_var
