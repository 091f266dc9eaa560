"""batch norm running statistics as momentum * old + (1 - momentum) * batch."""
TARGET = "layers/normalization.py"

_batchnorm_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    return _batchnorm_forward(x, gamma, beta, running_mean, running_var, training, 1 - momentum, eps)
