"""The IDX reader never checks the magic number."""
TARGET = "utils/data.py"


def _read_idx(path, ndim):
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) - header != int(np.prod(shape)):
        raise ValueError(f"{path} holds {len(raw) - header} data bytes; its header announces shape {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)
