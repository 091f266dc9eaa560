"""log_softmax as log(softmax(z) + 1e-9): about 20.7 instead of 1e3 far below the maximum."""
TARGET = "layers/losses.py"


def log_softmax(z):
    return np.log(softmax(z) + 1e-9)
