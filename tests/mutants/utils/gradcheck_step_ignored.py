"""numerical_gradient uses a hard-coded step 1e-5 instead of the h argument."""
TARGET = "utils/gradcheck.py"


def numerical_gradient(f, x, df=None, h=1e-5):
    step = 1e-5
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + step
        plus = np.array(f(x), dtype=np.float64)
        x[i] = old - step
        minus = np.array(f(x), dtype=np.float64)
        x[i] = old
        diff = plus - minus if df is None else df * (plus - minus)
        grad[i] = np.sum(diff) / (2.0 * step)
    return grad
