"""load_cifar10 reshapes the rows to (N, 32, 32, 3) and transposes, mixing up the channel planes."""
TARGET = "utils/data.py"
REPLACE = [
    (".reshape(-1, 3, 32, 32).astype(np.float32) / 255.0",
     ".reshape(-1, 32, 32, 3).transpose(0, 3, 1, 2).astype(np.float32) / 255.0"),
]
