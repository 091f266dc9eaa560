"""rel_error as max |a - b| / max(|a| + |b|) (a ratio of maxima) instead of the largest elementwise ratio."""
TARGET = "utils/gradcheck.py"


def rel_error(a, b):
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b))))
