"""check_probability testing p < 0 or p >= 1, which lets p = nan through."""
TARGET = "layers/dropout.py"


def check_probability(p):
    if p < 0 or p >= 1:
        raise ValueError(f"dropout probability p must satisfy 0 <= p < 1, got {p}")
