"""mse gradient not divided by the number of elements: 2 (pred - target)."""
TARGET = "layers/losses.py"


def mse(pred, target):
    diff = pred - target
    return float(np.mean(diff * diff)), 2.0 * diff
