"""ConvNet also wraps the last extra_layers % skip_every layers in a skip connection."""
TARGET = "models/cnn.py"
REPLACE = [
    ("            if skip_every > 0 and len(group) == skip_every:\n", "            if skip_every > 0:\n"),
]
