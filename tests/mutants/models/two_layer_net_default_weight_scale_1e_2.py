"""TwoLayerNet defaults to weight_scale=1e-2 instead of the documented 1e-3."""
TARGET = "models/two_layer_net.py"
REPLACE = [
    ("                 weight_scale: float = 1e-3, seed: int = 1024):\n",
     "                 weight_scale: float = 1e-2, seed: int = 1024):\n"),
]
