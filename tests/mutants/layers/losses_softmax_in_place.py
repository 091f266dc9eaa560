"""softmax that shifts its input in place."""
TARGET = "layers/losses.py"


def softmax(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
