"""load_digits returns float32 pixels (ready for torch) instead of float64."""
TARGET = "utils/data.py"
REPLACE = [
    ("    X = digits.data.astype(np.float64) / 16.0\n", "    X = digits.data.astype(np.float32) / 16.0\n"),
]
