"""precision_recall divides by the true counts for precision and by the predicted counts for recall."""
TARGET = "utils/metrics.py"


def precision_recall(y_true, y_pred, num_classes):
    matrix = confusion_matrix(y_true, y_pred, num_classes)
    tp = np.diag(matrix).astype(np.float64)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    recall = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    return float(precision.mean()), float(recall.mean())
