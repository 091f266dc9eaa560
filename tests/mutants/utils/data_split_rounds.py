"""train_val_split keeps round(N * train_fraction) samples for training where the docstring says int()."""
TARGET = "utils/data.py"
REPLACE = [("    n_train = int(len(X) * train_fraction)\n", "    n_train = round(len(X) * train_fraction)\n")]
