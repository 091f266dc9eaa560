"""Public tests of utils/metrics.py on small examples you can count by hand."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.utils import count_parameters

MOD = "utils.metrics"
Y_TRUE = np.array([0, 0, 0, 1, 1, 2])
Y_PRED = np.array([0, 1, 1, 1, 0, 1])  # class 2 is never predicted


@weight(1)
def test_accuracy_of_predicted_labels(impl):
    got = impl.call(f"{MOD}:accuracy", Y_PRED, Y_TRUE)
    checks.close(checks.number(got, "accuracy(labels, y)"), 2 / 6, "accuracy(labels, y)")


@weight(1)
def test_accuracy_of_scores_takes_the_argmax_of_each_row(impl):
    scores = np.array([[2.0, 1.0, 0.0], [0.1, 0.3, 0.2], [5.0, 9.0, -1.0], [0.0, 0.0, 4.0]])
    got = impl.call(f"{MOD}:accuracy", scores, np.array([0, 1, 0, 1]))
    checks.close(checks.number(got, "accuracy(scores, y)"), 0.5, "accuracy(scores, y)",
                 hint="the prediction for scores (N, C) is the argmax over the classes (axis 1)")


@weight(1)
def test_confusion_matrix_has_true_classes_as_rows(impl):
    got = impl.call(f"{MOD}:confusion_matrix", Y_TRUE, Y_PRED, 3)
    expected = [[1, 2, 0],
                [1, 1, 0],
                [0, 1, 0]]
    checks.close(checks.array(got, "confusion_matrix", kind="iu"), expected, "confusion_matrix",
                 hint="entry [i, j] counts samples of true class i predicted as class j")


@weight(1)
def test_precision_recall_are_macro_averages(impl):
    precision, recall = impl.call(f"{MOD}:precision_recall", Y_TRUE, Y_PRED, 3)
    # precision per class: 1/2, 1/4, 0 (never predicted); recall per class: 1/3, 1/2, 0
    checks.close(checks.number(precision, "macro precision"), (1 / 2 + 1 / 4 + 0) / 3, "macro precision",
                 hint="precision of class c = TP / (number of predictions of c); 0 if c is never predicted")
    checks.close(checks.number(recall, "macro recall"), (1 / 3 + 1 / 2 + 0) / 3, "macro recall",
                 hint="recall of class c = TP / (number of samples of class c)")


@weight(1)
def test_count_parameters_counts_trainable_scalars(impl):
    got = impl.probe(count_parameters, [])
    # Linear(5,7) 42, BatchNorm1d(7) 14, Linear(7,7) 56, Conv1d(7,3,3) 66, Linear(3,2) 8
    assert checks.number(got, "count_parameters") == 186, f"count_parameters gave {got}; expected 186"


@weight(1)
def test_count_parameters_skips_frozen_parameters(impl):
    got = impl.probe(count_parameters, [0, 3])
    assert checks.number(got, "count_parameters") == 186 - 42 - 66, \
        f"count_parameters gave {got} with two layers frozen; count only parameters with requires_grad"
