"""batchnorm_forward with momentum defaulting to 0.9 (the keep-fraction convention's number) instead of 0.1."""
TARGET = "layers/normalization.py"

_correct_batchnorm_forward = batchnorm_forward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.9, eps=1e-5):
    return _correct_batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum, eps)
