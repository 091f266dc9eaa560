"""cross_entropy indexes the true-class scores as [y, arange(N)] (a transpose) instead of [arange(N), y]."""
TARGET = "layers/losses.py"


def cross_entropy(z, y):
    n = z.shape[0]
    log_probs = log_softmax(z)
    dz = np.exp(log_probs)
    dz[y, np.arange(n)] -= 1.0
    return float(-np.mean(log_probs[y, np.arange(n)])), dz / n
