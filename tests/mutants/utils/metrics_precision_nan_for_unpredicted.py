"""precision_recall divides 0 by 0 for a class that is never predicted (nan)."""
TARGET = "utils/metrics.py"


def precision_recall(y_true, y_pred, num_classes):
    matrix = confusion_matrix(y_true, y_pred, num_classes)
    tp = np.diag(matrix).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / matrix.sum(axis=0)
        recall = tp / matrix.sum(axis=1)
    return float(precision.mean()), float(recall.mean())
