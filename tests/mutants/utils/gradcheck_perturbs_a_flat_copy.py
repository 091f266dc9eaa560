"""numerical_gradient perturbing x.reshape(-1), a copy when x is not contiguous: f never sees the steps."""
TARGET = "utils/gradcheck.py"


def numerical_gradient(f, x, df=None, h=1e-5):
    grad = np.zeros(x.shape)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        plus = np.array(f(x), dtype=np.float64)
        flat_x[i] = old - h
        minus = np.array(f(x), dtype=np.float64)
        flat_x[i] = old
        flat_grad[i] = np.sum(plus - minus if df is None else df * (plus - minus)) / (2.0 * h)
    return grad
