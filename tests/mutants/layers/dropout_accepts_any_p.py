"""dropout that never checks 0 <= p < 1."""
TARGET = "layers/dropout.py"


def check_probability(p):
    return None
