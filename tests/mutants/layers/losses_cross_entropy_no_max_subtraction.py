"""cross_entropy with its own softmax that skips the row maximum (overflow at 1e3 logits)."""
TARGET = "layers/losses.py"


def cross_entropy(z, y):
    n = z.shape[0]
    e = np.exp(z)
    p = e / np.sum(e, axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y]))
    dz = p.copy()
    dz[np.arange(n), y] -= 1.0
    return float(loss), dz / n
