"""accuracy subtracts each row's maximum from the scores in place before taking the argmax."""
TARGET = "utils/metrics.py"


def accuracy(scores_or_labels, y):
    if np.ndim(scores_or_labels) == 2:
        scores_or_labels -= scores_or_labels.max(axis=1, keepdims=True)
        pred = np.argmax(scores_or_labels, axis=1)
    else:
        pred = scores_or_labels
    return float(np.mean(np.asarray(pred) == np.asarray(y)))
