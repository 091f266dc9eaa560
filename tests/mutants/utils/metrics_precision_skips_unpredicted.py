"""precision_recall averages precision only over the classes that are predicted."""
TARGET = "utils/metrics.py"


def precision_recall(y_true, y_pred, num_classes):
    matrix = confusion_matrix(y_true, y_pred, num_classes)
    tp = np.diag(matrix).astype(np.float64)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = tp[predicted > 0] / predicted[predicted > 0]
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    return float(precision.mean()), float(recall.mean())
