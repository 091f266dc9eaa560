"""load_cifar10 returns the raw byte values instead of dividing by 255."""
TARGET = "utils/data.py"


def load_cifar10(root, split="train"):
    names = CIFAR10_FILES[split]
    folders = [Path(root), Path(root) / CIFAR10_FOLDER]
    folder = next((d for d in folders if all((d / n).is_file() for n in names)), None)
    if folder is None:
        raise FileNotFoundError(f"CIFAR-10 {split} split: expected {', '.join(names)} in {folders[0]} or {folders[1]}")
    batches = [_read_cifar_batch(folder / n) for n in names]
    X = np.concatenate([d for d, _ in batches]).reshape(-1, 3, 32, 32).astype(np.float32)
    return X, np.concatenate([y for _, y in batches])
