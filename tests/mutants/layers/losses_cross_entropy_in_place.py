"""cross_entropy that shifts the scores z in place."""
TARGET = "layers/losses.py"


def cross_entropy(z, y):
    n = z.shape[0]
    z -= np.max(z, axis=1, keepdims=True)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    dz = np.exp(log_probs)
    dz[np.arange(n), y] -= 1.0
    return float(-np.mean(log_probs[np.arange(n), y])), dz / n
