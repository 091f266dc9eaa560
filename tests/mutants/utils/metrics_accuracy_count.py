"""accuracy returns the number of correct predictions instead of the fraction."""
TARGET = "utils/metrics.py"


def accuracy(scores_or_labels, y):
    pred = np.argmax(scores_or_labels, axis=1) if np.ndim(scores_or_labels) == 2 else scores_or_labels
    return float(np.sum(pred == y))
