"""numerical_gradient leaves each entry of x at x - h instead of restoring it."""
TARGET = "utils/gradcheck.py"
REPLACE = [
    ("        x[i] = old\n"
     "        diff = ",
     "        diff = "),
]
