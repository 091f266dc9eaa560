"""The CIFAR-10 batch reader trusts the pickle: a corrupt batch raises whatever numpy or pickle raise."""
TARGET = "utils/data.py"


def _read_cifar_batch(path):
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    return np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3072), np.asarray(batch[b"labels"], dtype=np.int64)
