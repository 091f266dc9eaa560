"""numerical_gradient over a flat view of x, and rel_error with np.divide."""
TARGET = "utils/gradcheck.py"


def numerical_gradient(f, x, df=None, h=1e-5):
    grad = np.zeros(x.shape, dtype=np.float64)
    flat_x = x.reshape(-1)
    flat_grad = grad.reshape(-1)
    for i in range(flat_x.size):
        saved = flat_x[i].copy()
        flat_x[i] = saved + h
        up = np.copy(f(x)).astype(np.float64)
        flat_x[i] = saved - h
        down = np.copy(f(x)).astype(np.float64)
        flat_x[i] = saved
        weights = 1.0 if df is None else df
        flat_grad[i] = np.sum(weights * (up - down)) / (2 * h)
    return grad


def rel_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = np.abs(a) + np.abs(b)
    return float(np.max(np.abs(a - b) / np.where(denominator > 1e-8, denominator, 1e-8)))
