"""normalize computes the mean and std over the training and validation data together."""
TARGET = "utils/data.py"


def normalize(X_train, *others):
    everything = np.concatenate([X_train, *others])
    mean = everything.mean(axis=0)
    std = everything.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return tuple((X - mean) / std for X in (X_train, *others))
