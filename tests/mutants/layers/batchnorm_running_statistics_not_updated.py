"""batch norm returning the running statistics unchanged in training mode."""
TARGET = "layers/normalization.py"

_batchnorm_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    out, cache, _, _ = _batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum, eps)
    return out, cache, running_mean.copy(), running_var.copy()
