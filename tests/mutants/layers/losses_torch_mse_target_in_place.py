"""mse_loss subtracting the prediction from the target in place (target -= pred)."""
TARGET = "layers/losses.py"


def mse_loss(pred, target):
    target -= pred
    return (target ** 2).mean()
