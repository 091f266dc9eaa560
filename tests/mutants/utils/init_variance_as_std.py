"""he_normal uses the variance 2 / fan_in as the standard deviation."""
TARGET = "utils/init.py"


def he_normal(fan_in, fan_out, rng=None):
    return normal((fan_in, fan_out), 2.0 / fan_in, rng)
