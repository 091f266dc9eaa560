"""softmax normalized over axis 0 (the batch) instead of the classes."""
TARGET = "layers/losses.py"


def softmax(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
