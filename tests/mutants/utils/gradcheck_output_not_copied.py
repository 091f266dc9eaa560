"""numerical_gradient keeps f(x + h) without copying it, so an f that returns a view of x gives 0."""
TARGET = "utils/gradcheck.py"
REPLACE = [
    ("plus = np.array(f(x), dtype=np.float64)", "plus = f(x)"),
    ("minus = np.array(f(x), dtype=np.float64)", "minus = f(x)"),
]
