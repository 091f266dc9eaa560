"""normalize divides by std + 1e-8, which blows constant features of the validation set up."""
TARGET = "utils/data.py"


def normalize(X_train, *others):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    return tuple((X - mean) / (std + 1e-8) for X in (X_train, *others))
