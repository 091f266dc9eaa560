"""xavier_normal uses He's std sqrt(2 / fan_in) and he_normal Xavier's sqrt(1 / fan_in)."""
TARGET = "utils/init.py"


def xavier_normal(fan_in, fan_out, rng=None):
    return normal((fan_in, fan_out), np.sqrt(2.0 / fan_in), rng)


def he_normal(fan_in, fan_out, rng=None):
    return normal((fan_in, fan_out), np.sqrt(1.0 / fan_in), rng)
