"""softmax subtracts the row maximum without keepdims, so it broadcasts along the wrong axis when N == C."""
TARGET = "layers/losses.py"


def softmax(z):
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1, keepdims=True)
