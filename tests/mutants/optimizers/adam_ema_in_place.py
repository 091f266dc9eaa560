"""ema_update updates ema_star_old in place (*=, +=), so the caller's array of the old average changes."""
TARGET = "optimizers/adam.py"


def ema_update(x_t, beta, t, ema_star_old):
    if t < 1:
        raise ValueError(f"t counts the values averaged so far and starts at 1, got t = {t}")
    ema_star_old *= beta
    ema_star_old += (1 - beta) * x_t
    return ema_star_old / (1 - beta ** t), ema_star_old
