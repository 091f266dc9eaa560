"""load_mnist looks only for the plain IDX files, never for the .gz ones."""
TARGET = "utils/data.py"


def load_mnist(root, split="train", flatten=True):
    images_path, labels_path = _find_files(Path(root), MNIST_FILES[split], ("",), f"MNIST {split} split")
    images = _read_idx(images_path, 3).astype(np.float32) / 255.0
    X = images.reshape(len(images), -1) if flatten else images[:, None, :, :]
    return X, _read_idx(labels_path, 1).astype(np.int64)
