"""accuracy counts a sample as right when its true class is among the tied maxima of its scores."""
TARGET = "utils/metrics.py"


def accuracy(scores_or_labels, y):
    s, y = np.asarray(scores_or_labels), np.asarray(y)
    if s.ndim == 2:
        return float(np.mean(s[np.arange(len(y)), y] >= s.max(axis=1)))
    return float(np.mean(s == y))
