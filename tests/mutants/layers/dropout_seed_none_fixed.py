"""dropout_forward replacing a missing seed by 0, so that every call without a seed draws the same mask."""
TARGET = "layers/dropout.py"

_dropout_forward = dropout_forward


def dropout_forward(x, p, training=True, seed=None):
    return _dropout_forward(x, p, training, 0 if seed is None else seed)
