"""TwoLayerNet defaults to seed=0 instead of the documented seed=1024."""
TARGET = "models/two_layer_net.py"
REPLACE = [
    ("                 weight_scale: float = 1e-3, seed: int = 1024):\n",
     "                 weight_scale: float = 1e-3, seed: int = 0):\n"),
]
