"""binary_cross_entropy through log(sigmoid(z)) with 1 / (1 + exp(-z)): overflow and log(0) for large |z|."""
TARGET = "layers/losses.py"


def binary_cross_entropy(z, y):
    s = 1.0 / (1.0 + np.exp(-z))
    loss = -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s))
    return float(loss), (s - y) / z.shape[0]
