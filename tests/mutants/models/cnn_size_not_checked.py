"""ConvNet builds a head over zero features instead of raising ValueError when the input is too small."""
TARGET = "models/cnn.py"
REPLACE = [
    ("            if min(sizes) < 1:\n"
     "                raise ValueError(f\"input size {image_size} is too small for {len(channels)} pooling stages\")\n",
     ""),
]
