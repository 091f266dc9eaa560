"""confusion_matrix puts predicted classes in rows and true classes in columns."""
TARGET = "utils/metrics.py"


def confusion_matrix(y_true, y_pred, num_classes):
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_pred), np.asarray(y_true)), 1)
    return matrix
