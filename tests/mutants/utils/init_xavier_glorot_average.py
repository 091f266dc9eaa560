"""xavier_normal uses Glorot's sqrt(2 / (fan_in + fan_out)) instead of the course's sqrt(1 / fan_in)."""
TARGET = "utils/init.py"


def xavier_normal(fan_in, fan_out, rng=None):
    return normal((fan_in, fan_out), np.sqrt(2.0 / (fan_in + fan_out)), rng)
