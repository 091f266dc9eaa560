"""he_normal scales by fan_out instead of fan_in."""
TARGET = "utils/init.py"


def he_normal(fan_in, fan_out, rng=None):
    return normal((fan_in, fan_out), np.sqrt(2.0 / fan_out), rng)
