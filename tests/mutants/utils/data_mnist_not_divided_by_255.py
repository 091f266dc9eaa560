"""load_mnist returns the raw byte values instead of dividing by 255."""
TARGET = "utils/data.py"


def load_mnist(root, split="train", flatten=True):
    images_path, labels_path = _find_files(Path(root), MNIST_FILES[split], ("", ".gz"), f"MNIST {split} split")
    images = _read_idx(images_path, 3).astype(np.float32)
    X = images.reshape(len(images), -1) if flatten else images[:, None, :, :]
    return X, _read_idx(labels_path, 1).astype(np.int64)
