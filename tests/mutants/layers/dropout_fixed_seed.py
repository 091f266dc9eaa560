"""dropout drawing every mask from seed 0, whatever seed is given."""
TARGET = "layers/dropout.py"

_dropout_forward = dropout_forward


def dropout_forward(x, p, training=True, seed=None):
    return _dropout_forward(x, p, training, 0)
