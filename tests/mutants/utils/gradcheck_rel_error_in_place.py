"""rel_error writes a - b into a's memory (np.subtract(a, b, out=a)), changing the caller's array."""
TARGET = "utils/gradcheck.py"


def rel_error(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    diff = np.subtract(a, b, out=a)
    return float(np.max(np.abs(diff) / np.maximum(1e-8, np.abs(diff + b) + np.abs(b))))
