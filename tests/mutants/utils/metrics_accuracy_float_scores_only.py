"""accuracy telling scores from labels by the dtype (floats are scores): integer scores are taken for labels."""
TARGET = "utils/metrics.py"


def accuracy(scores_or_labels, y):
    scores_or_labels = np.asarray(scores_or_labels)
    is_scores = np.issubdtype(scores_or_labels.dtype, np.floating)
    pred = np.argmax(scores_or_labels, axis=1) if is_scores else scores_or_labels
    return float(np.mean(pred == np.asarray(y)))
