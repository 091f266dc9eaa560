"""confusion_matrix counts in an int32 matrix instead of int64."""
TARGET = "utils/metrics.py"
REPLACE = [
    ("    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)\n",
     "    matrix = np.zeros((num_classes, num_classes), dtype=np.int32)\n"),
]
