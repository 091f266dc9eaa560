"""ConvNet takes an image_size (H, W) as square H x H, so the head has the wrong size for non-square images."""
TARGET = "models/cnn.py"
REPLACE = [
    ("        sizes = [image_size] * self.dims if isinstance(image_size, int) else list(image_size)\n",
     "        side = image_size if isinstance(image_size, int) else image_size[0]\n"
     "        sizes = [side] * self.dims\n"),
]
