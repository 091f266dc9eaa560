"""sigmoid computed as 1 / (1 + exp(-x)) overflows for large negative x."""
TARGET = "layers/activations.py"


def sigmoid_forward(x):
    out = 1.0 / (1.0 + np.exp(-x))
    return out, (out,)
