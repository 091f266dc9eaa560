"""Metrics counted with Python loops over the samples and classes."""
TARGET = "utils/metrics.py"


def accuracy(scores_or_labels, y):
    rows = np.asarray(scores_or_labels)
    hits = 0
    for k in range(len(y)):
        if rows.ndim == 2:
            row = list(rows[k])
            pred = row.index(max(row))
        else:
            pred = rows[k]
        hits += int(pred == y[k])
    return hits / len(y)


def confusion_matrix(y_true, y_pred, num_classes):
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        matrix[int(t), int(p)] += 1
    return matrix


def precision_recall(y_true, y_pred, num_classes):
    precisions, recalls = [], []
    for c in range(num_classes):
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == c and p == c)
        predicted = sum(1 for p in y_pred if p == c)
        actual = sum(1 for t in y_true if t == c)
        precisions.append(tp / predicted if predicted else 0.0)
        recalls.append(tp / actual if actual else 0.0)
    return sum(precisions) / num_classes, sum(recalls) / num_classes
