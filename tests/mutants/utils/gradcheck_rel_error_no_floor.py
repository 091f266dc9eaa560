"""rel_error without the 1e-8 floor: two zero arrays give 0 / 0 = nan."""
TARGET = "utils/gradcheck.py"


def rel_error(a, b):
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
