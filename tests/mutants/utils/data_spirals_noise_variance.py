"""make_spirals scales the angle noise by noise**2 (noise read as a variance)."""
TARGET = "utils/data.py"
REPLACE = [
    ("+ noise * draws.standard_normal(n_per_class)", "+ noise ** 2 * draws.standard_normal(n_per_class)"),
]
