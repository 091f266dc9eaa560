"""numerical_gradient with forward differences (f(x + h) - f(x)) / h instead of centered ones."""
TARGET = "utils/gradcheck.py"


def numerical_gradient(f, x, df=None, h=1e-5):
    grad = np.zeros(x.shape)
    base = np.array(f(x), dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = np.array(f(x), dtype=np.float64)
        x[i] = old
        diff = plus - base if df is None else df * (plus - base)
        grad[i] = np.sum(diff) / h
    return grad
