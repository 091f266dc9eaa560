"""mse loss and gradient divided by N (rows) instead of the number of elements."""
TARGET = "layers/losses.py"


def mse(pred, target):
    diff = pred - target
    n = pred.shape[0]
    return float(np.sum(diff * diff) / n), 2.0 * diff / n
