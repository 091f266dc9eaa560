"""cross_entropy loss summed over the batch (the gradient is still divided by N)."""
TARGET = "layers/losses.py"


def cross_entropy(z, y):
    n = z.shape[0]
    log_probs = log_softmax(z)
    dz = np.exp(log_probs)
    dz[np.arange(n), y] -= 1.0
    return float(-np.sum(log_probs[np.arange(n), y])), dz / n
