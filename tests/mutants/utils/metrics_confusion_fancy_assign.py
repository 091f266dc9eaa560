"""confusion_matrix uses matrix[y_true, y_pred] += 1, which counts repeated pairs only once."""
TARGET = "utils/metrics.py"


def confusion_matrix(y_true, y_pred, num_classes):
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    matrix[np.asarray(y_true), np.asarray(y_pred)] += 1
    return matrix
