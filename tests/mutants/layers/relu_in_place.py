"""ReLU that clips its input in place."""
TARGET = "layers/activations.py"


def relu_forward(x):
    x[x < 0] = 0.0
    return x, (x,)
