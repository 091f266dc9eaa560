"""binary_cross_entropy differentiating max(z, 0) - z y + log(1 + exp(-|z|)) term by term: wrong at z = 0."""
TARGET = "layers/losses.py"


def binary_cross_entropy(z, y):
    e = np.exp(-np.abs(z))
    loss = np.mean(np.maximum(z, 0.0) - z * y + np.log1p(e))
    dz = (z > 0) - y - np.sign(z) * e / (1.0 + e)
    return float(loss), dz / z.size
