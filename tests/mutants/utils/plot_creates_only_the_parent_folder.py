"""plot_curves creates the file's folder but not the folders above it (mkdir without parents=True)."""
TARGET = "utils/plot.py"
REPLACE = [
    ("    Path(path).parent.mkdir(parents=True, exist_ok=True)\n", "    Path(path).parent.mkdir(exist_ok=True)\n"),
]
