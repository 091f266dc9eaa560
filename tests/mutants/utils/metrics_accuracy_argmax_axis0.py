"""accuracy takes the argmax over the batch (axis 0) instead of over the classes."""
TARGET = "utils/metrics.py"


def accuracy(scores_or_labels, y):
    pred = np.argmax(scores_or_labels, axis=0) if np.ndim(scores_or_labels) == 2 else scores_or_labels
    return float(np.mean(pred == y))
