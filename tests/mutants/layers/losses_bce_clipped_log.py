"""binary_cross_entropy through log(sigmoid(z) + 1e-12): stable sigmoid, but wrong losses for large |z|."""
TARGET = "layers/losses.py"


def binary_cross_entropy(z, y):
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    loss = -np.mean(y * np.log(s + 1e-12) + (1 - y) * np.log(1 - s + 1e-12))
    return float(loss), (s - y) / z.shape[0]
