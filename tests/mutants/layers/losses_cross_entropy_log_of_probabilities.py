"""cross_entropy takes log(p + 1e-9) of the softmax instead of a stable log-softmax."""
TARGET = "layers/losses.py"


def cross_entropy(z, y):
    n = z.shape[0]
    p = softmax(z)
    loss = -np.mean(np.log(p[np.arange(n), y] + 1e-9))
    dz = p.copy()
    dz[np.arange(n), y] -= 1.0
    return float(loss), dz / n
