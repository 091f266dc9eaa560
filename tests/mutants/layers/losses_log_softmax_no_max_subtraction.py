"""log_softmax as z - log(sum(exp(z))) without the row maximum overflows for logits of 1e3."""
TARGET = "layers/losses.py"


def log_softmax(z):
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
