"""numerical_gradient handing f perturbed copies of x: an f that reads x through a closure sees no step."""
TARGET = "utils/gradcheck.py"


def numerical_gradient(f, x, df=None, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(*x.shape):
        up, down = x.astype(np.float64), x.astype(np.float64)
        up[i] += h
        down[i] -= h
        diff = np.array(f(up), dtype=np.float64) - np.array(f(down), dtype=np.float64)
        grad[i] = np.sum(diff if df is None else df * diff) / (2.0 * h)
    return grad
