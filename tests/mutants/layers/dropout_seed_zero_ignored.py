"""dropout treating seed=0 as no seed (`seed or None`)."""
TARGET = "layers/dropout.py"

_dropout_forward = dropout_forward


def dropout_forward(x, p, training=True, seed=None):
    return _dropout_forward(x, p, training, seed or None)
