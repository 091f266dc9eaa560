"""accuracy compares the scores with the labels directly instead of taking the argmax."""
TARGET = "utils/metrics.py"


def accuracy(scores_or_labels, y):
    return float(np.mean(np.asarray(scores_or_labels) == np.asarray(y)))
