"""init_module_ re-initializes the weights but leaves the biases as they were."""
TARGET = "utils/init.py"
REPLACE = [
    ("            if layer.bias is not None:\n"
     "                layer.bias.zero_()\n",
     ""),
]
