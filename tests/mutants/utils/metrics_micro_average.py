"""precision_recall returns micro averages (both equal to the accuracy) instead of macro averages."""
TARGET = "utils/metrics.py"


def precision_recall(y_true, y_pred, num_classes):
    acc = float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
    return acc, acc
