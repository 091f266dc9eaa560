"""numerical_gradient over the flat indices of x (np.unravel_index), and rel_error with np.divide."""
TARGET = "utils/gradcheck.py"


def numerical_gradient(f, x, df=None, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in range(x.size):
        index = np.unravel_index(i, x.shape)
        saved = x[index].copy()
        x[index] = saved + h
        up = np.copy(f(x)).astype(np.float64)
        x[index] = saved - h
        down = np.copy(f(x)).astype(np.float64)
        x[index] = saved
        weights = 1.0 if df is None else df
        grad[index] = np.sum(weights * (up - down)) / (2 * h)
    return grad


def rel_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = np.abs(a) + np.abs(b)
    return float(np.max(np.abs(a - b) / np.where(denominator > 1e-8, denominator, 1e-8)))
