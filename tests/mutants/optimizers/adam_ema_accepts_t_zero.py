"""ema_update does not check t: t = 0 divides by zero instead of raising ValueError."""
TARGET = "optimizers/adam.py"


def ema_update(x_t, beta, t, ema_star_old):
    ema_star_t = beta * ema_star_old + (1 - beta) * x_t
    return ema_star_t / (1 - beta ** t), ema_star_t
