"""load_cifar10's FileNotFoundError names the missing batches but not the folders searched."""
TARGET = "utils/data.py"
REPLACE = [
    ('        raise FileNotFoundError(f"CIFAR-10 {split} split: expected {\', \'.join(names)} in "\n'
     '                                f"{folders[0]} or {folders[1]}")\n',
     '        raise FileNotFoundError(f"CIFAR-10 {split} split: expected {\', \'.join(names)}")\n'),
]
