"""numerical_gradient ignores df and differentiates sum(f(x))."""
TARGET = "utils/gradcheck.py"
REPLACE = [
    ("diff = plus - minus if df is None else df * (plus - minus)", "diff = plus - minus"),
]
