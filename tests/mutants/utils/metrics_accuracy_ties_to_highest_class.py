"""accuracy breaks ties in the scores towards the highest class."""
TARGET = "utils/metrics.py"


def accuracy(scores_or_labels, y):
    s = np.asarray(scores_or_labels)
    pred = s.shape[1] - 1 - np.argmax(s[:, ::-1], axis=1) if s.ndim == 2 else s
    return float(np.mean(pred == np.asarray(y)))
