"""binary_cross_entropy loss summed over the batch instead of averaged."""
TARGET = "layers/losses.py"


def binary_cross_entropy(z, y):
    e = np.exp(-np.abs(z))
    loss = np.sum(np.maximum(z, 0.0) - z * y + np.log1p(e))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(loss), (s - y) / z.size
