"""load_mnist reads the gzipped file when both a plain and a gzipped copy exist."""
TARGET = "utils/data.py"
REPLACE = [
    ('_find_files(Path(root), MNIST_FILES[split], ("", ".gz"), f"MNIST {split} split")',
     '_find_files(Path(root), MNIST_FILES[split], (".gz", ""), f"MNIST {split} split")'),
]
