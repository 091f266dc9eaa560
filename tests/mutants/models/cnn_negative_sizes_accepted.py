"""ConvNet accepting a negative extra_layers or skip_every (no ValueError): the network silently has no extra layers."""
TARGET = "models/cnn.py"
REPLACE = [
    ("        if extra_layers < 0 or skip_every < 0:\n"
     "            raise ValueError(f\"extra_layers and skip_every must be >= 0, got {extra_layers} and {skip_every}\")\n",
     ""),
]
