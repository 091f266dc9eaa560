"""mse gradient without the factor 2: (pred - target) / size."""
TARGET = "layers/losses.py"


def mse(pred, target):
    diff = pred - target
    return float(np.mean(diff * diff)), diff / diff.size
