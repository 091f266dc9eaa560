"""numerical_gradient leaves each entry of x at x - h instead of restoring it."""
TARGET = "utils/gradcheck.py"


def numerical_gradient(f, x, df=None, h=1e-5):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = np.array(f(x), dtype=np.float64)
        x[i] = old - h
        minus = np.array(f(x), dtype=np.float64)
        diff = plus - minus if df is None else df * (plus - minus)
        grad[i] = np.sum(diff) / (2.0 * h)
    return grad
