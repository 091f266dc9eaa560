"""load_cifar10 looks in root/cifar-10-batches-py before root."""
TARGET = "utils/data.py"
REPLACE = [
    ("    folders = [Path(root), Path(root) / CIFAR10_FOLDER]\n",
     "    folders = [Path(root) / CIFAR10_FOLDER, Path(root)]\n"),
]
