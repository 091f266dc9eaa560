"""numerical_gradient ignores df and differentiates sum(f(x))."""
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
        x[i] = old
        grad[i] = np.sum(plus - minus) / (2.0 * h)
    return grad
