"""load_mnist skips a fixed 16-byte header and assumes 28x28 images instead of reading the sizes."""
TARGET = "utils/data.py"


def _read_idx(path, ndim):
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(-1, 28, 28) if ndim == 3 else data
