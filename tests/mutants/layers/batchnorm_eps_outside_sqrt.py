"""batch norm dividing by sqrt(var) + eps instead of sqrt(var + eps)."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("inv_std = 1.0 / np.sqrt(var + eps)", "inv_std = 1.0 / (np.sqrt(var) + eps)"),
]
