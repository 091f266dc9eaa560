"""dropout that ignores training=False and drops entries at test time too."""
TARGET = "layers/dropout.py"

_dropout_forward = dropout_forward


def dropout_forward(x, p, training=True, seed=None):
    return _dropout_forward(x, p, True, seed)
