"""TwoLayerNet stores gradients unless mode == "valid", so mode="test" changes the gradients."""
TARGET = "models/two_layer_net.py"
REPLACE = [
    ("        if mode == \"train\":\n", "        if mode != \"valid\":\n"),
]
