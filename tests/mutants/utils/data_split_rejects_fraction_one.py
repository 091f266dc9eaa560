"""train_val_split requires train_fraction < 1, rejecting the valid fraction 1."""
TARGET = "utils/data.py"
REPLACE = [
    ("    if not 0 < train_fraction <= 1:\n", "    if not 0 < train_fraction < 1:\n"),
]
