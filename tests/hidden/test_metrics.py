"""Hidden tests of utils/metrics.py: drawn labels and scores against numpy and scikit-learn."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.utils import count_parameters
from tests.hidden.strategies import seeds

MOD = "utils.metrics"


@st.composite
def labelled(draw, every_class_true=False):
    """(y_true, y_pred, num_classes) with N drawn near C (N == C included); optionally every class in y_true."""
    c = draw(st.integers(2, 6))
    n = draw(st.sampled_from([c, c + 1, 3 * c]))
    rng = np.random.default_rng(draw(seeds()))
    y_true = rng.integers(0, c, size=n)
    if every_class_true:
        y_true[:c] = rng.permutation(c)
    y_pred = np.where(rng.random(n) < 0.5, y_true, rng.integers(0, c, size=n))
    return y_true, y_pred, c


@weight(2)
@given(data=labelled(), seed=seeds())
def test_accuracy_of_scores_and_of_labels(impl, data, seed):
    y_true, y_pred, c = data
    scores = np.random.default_rng(seed).standard_normal((len(y_true), c))
    scores[np.arange(len(y_true)), y_pred] += 10.0  # the argmax of each row is y_pred
    expected = float(np.mean(y_pred == y_true))
    got = impl.call(f"{MOD}:accuracy", scores, y_true)
    checks.close(checks.number(got, "accuracy(scores, y)"), expected, "accuracy(scores, y)", reveal=False,
                 hint="take the argmax over the classes (axis 1)")
    got = impl.call(f"{MOD}:accuracy", y_pred, y_true)
    checks.close(checks.number(got, "accuracy(labels, y)"), expected, "accuracy(labels, y)", reveal=False)


@weight(2)
@given(data=labelled())
def test_confusion_matrix_counts_true_rows_against_predicted_columns(impl, data):
    y_true, y_pred, c = data
    expected = np.zeros((c, c), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        expected[t, p] += 1
    got = impl.call_keeping_inputs(f"{MOD}:confusion_matrix", y_true.copy(), y_pred.copy(), c)
    checks.close(checks.array(got["out"], "confusion_matrix", shape=(c, c), kind="iu"), expected,
                 "confusion_matrix", reveal=False, hint="rows are true classes, columns predicted ones")
    checks.unchanged(y_true, got["args_after"][0], "y_true passed to confusion_matrix")


@weight(2)
@given(data=labelled(every_class_true=True))
def test_precision_recall_match_scikit_learn_macro_averages(impl, data):
    from sklearn.metrics import precision_score, recall_score
    y_true, y_pred, c = data
    labels = list(range(c))
    precision = precision_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    recall = recall_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    got = impl.call(f"{MOD}:precision_recall", y_true, y_pred, c)
    assert isinstance(got, list) and len(got) == 2, "precision_recall should return (precision, recall)"
    checks.close(checks.number(got[0], "macro precision"), precision, "macro precision", reveal=False,
                 hint="precision divides by the predictions of a class, recall by its true samples")
    checks.close(checks.number(got[1], "macro recall"), recall, "macro recall", reveal=False)


@weight(1)
@pytest.mark.parametrize("num_classes", [3, 4])
def test_precision_of_a_class_never_predicted_is_zero(impl, num_classes):
    y_true = np.array([0, 1, 2, 2, 0, 1, 2, 3][:2 * num_classes])
    y_pred = np.where(y_true == 2, 1, y_true)  # class 2 is never predicted
    got = impl.call(f"{MOD}:precision_recall", y_true, y_pred, num_classes)
    tp = [np.sum((y_true == k) & (y_pred == k)) for k in range(num_classes)]
    precision = np.mean([tp[k] / np.sum(y_pred == k) if np.any(y_pred == k) else 0.0 for k in range(num_classes)])
    checks.close(checks.number(got[0], "macro precision with a class never predicted"), precision,
                 "macro precision with a class never predicted", reveal=False,
                 hint="a class that is never predicted has precision 0, not nan or 1")


@weight(1)
@pytest.mark.parametrize("frozen, tied, expected", [
    ([1], False, 186 - 14),
    ([0, 1, 2, 3, 4], False, 0),
    ([], True, 42 + 14 + 56 + 66),
    ([2], True, 42 + 14 + 66),
])
def test_count_parameters_counts_each_trainable_parameter_once(impl, frozen, tied, expected):
    got = impl.probe(count_parameters, frozen, tied)
    assert checks.number(got, "count_parameters") == expected, \
        "count_parameters is wrong: count parameters with requires_grad, each once, and no buffers"


@weight(1)
def test_accuracy_breaks_ties_towards_the_lowest_class(impl):
    """A row of scores with several maxima predicts the lowest of those classes."""
    scores = np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0], [3.0, 0.0, 3.0], [0.0, 0.0, 0.0], [5.0, 5.0, 5.0]])
    for y, expected in (([0, 1, 0, 0, 0], 1.0), ([1, 2, 2, 2, 1], 0.0)):
        got = impl.call(f"{MOD}:accuracy", scores, np.array(y))
        checks.close(checks.number(got, "accuracy of tied scores"), expected, "accuracy of tied scores",
                     reveal=False, hint="the prediction is np.argmax of each row: a tie goes to the lowest class")


@weight(1)
@given(data=labelled(), seed=seeds())
def test_accuracy_leaves_its_inputs_unchanged(impl, data, seed):
    """accuracy modifies neither the scores, the predicted labels nor y in place."""
    y_true, y_pred, c = data
    scores = np.random.default_rng(seed).standard_normal((len(y_true), c)) * 100.0
    for first in (scores, y_pred):
        got = impl.call_keeping_inputs(f"{MOD}:accuracy", first.copy(), y_true.copy())
        checks.unchanged(first, got["args_after"][0], "the scores or labels passed to accuracy")
        checks.unchanged(y_true, got["args_after"][1], "y passed to accuracy")


@weight(1)
@given(data=labelled())
def test_confusion_matrix_is_int64_and_leaves_y_pred_unchanged(impl, data):
    """confusion_matrix returns an int64 matrix and does not modify y_pred in place."""
    y_true, y_pred, c = data
    got = impl.call_keeping_inputs(f"{MOD}:confusion_matrix", y_true.copy(), y_pred.copy(), c)
    matrix = checks.array(got["out"], "confusion_matrix", shape=(c, c), kind="iu")
    assert matrix.dtype == np.int64, f"confusion_matrix should be int64, got {matrix.dtype}"
    checks.unchanged(y_pred, got["args_after"][1], "y_pred passed to confusion_matrix")


@weight(2)
@given(data=labelled(), extra=st.integers(0, 2))
def test_precision_recall_average_over_every_class_absent_ones_included(impl, data, extra):
    """Both averages run over all num_classes classes; a class absent from y_true has recall 0."""
    from sklearn.metrics import precision_score, recall_score
    y_true, y_pred, c = data
    num_classes = c + extra  # classes c.. appear in neither y_true nor y_pred
    labels = list(range(num_classes))
    precision = precision_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    recall = recall_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    got = impl.call_keeping_inputs(f"{MOD}:precision_recall", y_true.copy(), y_pred.copy(), num_classes)
    assert isinstance(got["out"], list) and len(got["out"]) == 2, "precision_recall should return (precision, recall)"
    checks.close(checks.number(got["out"][0], "macro precision"), precision, "macro precision", reveal=False,
                 hint="average over all num_classes classes; a class never predicted has precision 0")
    checks.close(checks.number(got["out"][1], "macro recall"), recall, "macro recall", reveal=False,
                 hint="average over all num_classes classes; a class absent from y_true has recall 0")
    checks.unchanged(y_true, got["args_after"][0], "y_true passed to precision_recall")
    checks.unchanged(y_pred, got["args_after"][1], "y_pred passed to precision_recall")


@weight(1)
def test_recall_of_a_class_absent_from_y_true_is_zero(impl):
    """A class that no sample has contributes recall 0 to the macro average."""
    y_true = np.array([0, 0, 1, 1])
    y_pred = np.array([0, 2, 1, 1])  # class 2 is predicted once but never true
    _, recall = impl.call(f"{MOD}:precision_recall", y_true, y_pred, 3)
    checks.close(checks.number(recall, "macro recall with a class absent from y_true"), (1 / 2 + 1 + 0) / 3,
                 "macro recall with a class absent from y_true", reveal=False,
                 hint="a class absent from y_true has recall 0, not nan, and still counts in the mean")


@weight(1)
@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.float32])
def test_accuracy_takes_scores_of_any_real_dtype(impl, dtype):
    """A 2-D input is scores whatever its dtype: integer scores (votes, counts) take the argmax of each row too."""
    scores = np.array([[0, 5, 1], [7, 2, 2], [1, 1, 3], [4, 9, 0]], dtype=dtype)
    y = np.array([1, 0, 0, 1])
    got = impl.call(f"{MOD}:accuracy", scores, y)
    checks.close(checks.number(got, f"accuracy of {np.dtype(dtype).name} scores"), 0.75,
                 f"accuracy of {np.dtype(dtype).name} scores", reveal=False,
                 hint="tell scores from labels by the number of axes (2-D: scores), not by the dtype")
