"""ema_update returns (ema_star_t, ema) instead of (ema, ema_star_t); Adam itself is right."""
TARGET = "optimizers/adam.py"


def ema_update(x_t, beta, t, ema_star_old):
    if t < 1:
        raise ValueError("t < 1")
    ema_star_t = beta * ema_star_old + (1 - beta) * x_t
    return ema_star_t, ema_star_t / (1 - beta ** t)
