"""generate_batched_data treats seed=None as seed 0, so None never draws a fresh order."""
TARGET = "utils/data.py"
_generate_batched_data = generate_batched_data


def generate_batched_data(X, y, batch_size, shuffle=False, seed=None):
    return _generate_batched_data(X, y, batch_size, shuffle=shuffle, seed=0 if seed is None else seed)
