"""init_module_ visits only the direct children of the module, missing layers nested deeper."""
TARGET = "utils/init.py"
REPLACE = [
    ("for layer in module.modules():", "for layer in module.children():"),
]
