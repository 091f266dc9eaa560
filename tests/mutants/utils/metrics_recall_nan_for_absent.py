"""precision_recall divides by the class count even when it is 0, so a class absent from y_true gives nan recall."""
TARGET = "utils/metrics.py"
REPLACE = [
    ("    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)\n",
     "    recall = np.divide(tp, actual, out=np.full_like(tp, np.nan), where=actual > 0)\n"),
]
