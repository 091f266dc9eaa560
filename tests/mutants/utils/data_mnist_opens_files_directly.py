"""load_mnist opens the plain files directly: a missing file raises the OS error naming only the first one."""
TARGET = "utils/data.py"


def load_mnist(root, split="train", flatten=True):
    images_name, labels_name = MNIST_FILES[split]
    images = _read_idx(Path(root) / images_name, 3).astype(np.float32) / 255.0
    labels = _read_idx(Path(root) / labels_name, 1).astype(np.int64)
    return (images.reshape(len(images), -1) if flatten else images[:, None, :, :]), labels
