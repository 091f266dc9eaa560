"""ema_update corrects the bias with 1 - beta instead of 1 - beta**t."""
TARGET = "optimizers/adam.py"


def ema_update(x_t, beta, t, ema_star_old):
    if t < 1:
        raise ValueError("t < 1")
    ema_star_t = beta * ema_star_old + (1 - beta) * x_t
    return ema_star_t / (1 - beta), ema_star_t
