"""Classification metrics on numpy labels, and the parameter count of a torch model."""
from __future__ import annotations

import numpy as np
from torch import nn


def accuracy(scores_or_labels: np.ndarray, y: np.ndarray) -> float:
    """Returns the fraction of samples whose predicted label equals ``y``, a float in [0, 1].

    scores_or_labels: class scores ``(N, C)`` of any real dtype, integers
    included (a 2-D input is always scores: the prediction is the argmax of
    each row; ties go to the lowest class) or predicted labels ``(N,)``.
    y: true labels ``(N,)``.
    """
    # BEGIN SOLUTION
    pred = np.argmax(scores_or_labels, axis=1) if np.ndim(scores_or_labels) == 2 else scores_or_labels
    return float(np.mean(np.asarray(pred) == np.asarray(y)))
    # END SOLUTION


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Returns the int64 confusion matrix ``(num_classes, num_classes)``: [i, j] counts class i predicted as j.

    Rows are true classes, columns predicted classes. y_true, y_pred: labels ``(N,)`` in [0, num_classes).
    """
    # BEGIN SOLUTION
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix
    # END SOLUTION


def precision_recall(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> tuple[float, float]:
    """Returns (macro_precision, macro_recall): per-class precision and recall averaged over all classes.

    For class c: precision = TP / (TP + FP) (how many predictions of c are right),
    recall = TP / (TP + FN) (how many samples of c are found). A class never
    predicted has precision 0; a class absent from ``y_true`` has recall 0.
    Both averages are plain means over the ``num_classes`` classes.
    y_true, y_pred: labels ``(N,)`` in [0, num_classes).
    """
    # BEGIN SOLUTION rows of the confusion matrix are true classes, columns predicted ones
    matrix = confusion_matrix(y_true, y_pred, num_classes)
    tp = np.diag(matrix).astype(np.float64)
    predicted = matrix.sum(axis=0)
    actual = matrix.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    return float(precision.mean()), float(recall.mean())
    # END SOLUTION


def count_parameters(model: nn.Module) -> int:
    """Returns the number of trainable scalars of ``model``: parameters with ``requires_grad``.

    Frozen parameters and buffers (batch-norm running statistics) do not count;
    a parameter shared by two layers counts once.
    """
    # BEGIN SOLUTION
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
    # END SOLUTION
