"""he_normal returns a (fan_out, fan_in) matrix."""
TARGET = "utils/init.py"


def he_normal(fan_in, fan_out, rng=None):
    return normal((fan_out, fan_in), np.sqrt(2.0 / fan_in), rng)
