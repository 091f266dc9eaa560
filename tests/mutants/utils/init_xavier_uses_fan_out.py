"""xavier_normal scales by fan_out instead of fan_in."""
TARGET = "utils/init.py"


def xavier_normal(fan_in, fan_out, rng=None):
    return normal((fan_in, fan_out), np.sqrt(1.0 / fan_out), rng)
