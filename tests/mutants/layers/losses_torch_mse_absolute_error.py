"""torch mse_loss as the mean absolute error."""
TARGET = "layers/losses.py"


def mse_loss(pred, target):
    return (pred - target).abs().mean()
