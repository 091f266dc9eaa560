"""softmax without subtracting the row maximum overflows for logits of 1e3."""
TARGET = "layers/losses.py"


def softmax(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
