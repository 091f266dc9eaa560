"""TwoLayerNet stores gradients in every mode, also when forward is only asked to evaluate."""
TARGET = "models/two_layer_net.py"
REPLACE = [
    ("        if mode == \"train\":\n", "        if True:\n"),
]
