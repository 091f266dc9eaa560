"""leaky ReLU with the slope 0.01 hard-coded instead of the slope argument."""
TARGET = "layers/activations.py"


def leaky_relu_forward(x, slope=0.1):
    return np.where(x > 0, x, 0.01 * x), (x, 0.01)
