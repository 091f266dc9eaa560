"""load_mnist returns float64 pixels, doubling the memory of the images."""
TARGET = "utils/data.py"
REPLACE = [
    ("    X = images.astype(np.float32) / 255.0\n", "    X = images / 255.0\n"),
]
