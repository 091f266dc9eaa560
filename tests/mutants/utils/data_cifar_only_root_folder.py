"""load_cifar10 looks only in root, not in root/cifar-10-batches-py."""
TARGET = "utils/data.py"


def load_cifar10(root, split="train"):
    names = CIFAR10_FILES[split]
    missing = [n for n in names if not (Path(root) / n).is_file()]
    if missing:
        raise FileNotFoundError(f"CIFAR-10 {split} split: expected {', '.join(names)} in {root}")
    batches = [_read_cifar_batch(Path(root) / n) for n in names]
    X = np.concatenate([d for d, _ in batches]).reshape(-1, 3, 32, 32).astype(np.float32) / 255.0
    return X, np.concatenate([y for _, y in batches])
