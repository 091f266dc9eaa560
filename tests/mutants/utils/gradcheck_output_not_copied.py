"""numerical_gradient keeps f(x + h) without copying it, so an f that returns a view of x gives 0."""
TARGET = "utils/gradcheck.py"


def numerical_gradient(f, x, df=None, h=1e-5):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        diff = plus - minus if df is None else df * (plus - minus)
        grad[i] = np.sum(diff) / (2.0 * h)
    return grad
