"""The training loops drop the last mini-batch when it is smaller than batch_size."""
TARGET = "utils/train.py"

_batches = generate_batched_data


def generate_batched_data(X, y, batch_size, shuffle=False, seed=None):
    x_batches, y_batches = _batches(X, y, batch_size, shuffle=shuffle, seed=seed)
    if len(x_batches) > 1 and len(x_batches[-1]) < batch_size:
        x_batches, y_batches = x_batches[:-1], y_batches[:-1]
    return x_batches, y_batches
