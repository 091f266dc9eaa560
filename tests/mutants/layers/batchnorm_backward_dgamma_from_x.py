"""batch norm backward computing dgamma from x instead of the normalized x_hat."""
TARGET = "layers/normalization.py"

_batchnorm_forward = batchnorm_forward
_batchnorm_backward = batchnorm_backward


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    out, cache, new_mean, new_var = _batchnorm_forward(x, gamma, beta, running_mean, running_var, training,
                                                       momentum, eps)
    return out, (cache, x), new_mean, new_var


def batchnorm_backward(dout, cache):
    inner, x = cache
    dx, _, dbeta = _batchnorm_backward(dout, inner)
    return dx, np.sum(dout * x, axis=inner[3]), dbeta
