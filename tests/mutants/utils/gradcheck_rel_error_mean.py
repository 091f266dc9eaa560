"""rel_error averages the elementwise relative errors instead of taking their maximum."""
TARGET = "utils/gradcheck.py"


def rel_error(a, b):
    return float(np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
