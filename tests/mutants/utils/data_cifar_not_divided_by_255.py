"""load_cifar10 returns the raw byte values instead of dividing by 255."""
TARGET = "utils/data.py"
REPLACE = [
    ("X = np.concatenate([d for d, _ in batches]).reshape(-1, 3, 32, 32).astype(np.float32) / 255.0",
     "X = np.concatenate([d for d, _ in batches]).reshape(-1, 3, 32, 32).astype(np.float32)"),
]
