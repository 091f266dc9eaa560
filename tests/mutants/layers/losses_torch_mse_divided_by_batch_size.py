"""torch mse_loss divided by N (rows) instead of the number of elements."""
TARGET = "layers/losses.py"


def mse_loss(pred, target):
    return ((pred - target) ** 2).sum() / pred.shape[0]
