"""init_module_ zeroes layer.bias without checking for layers built with bias=False."""
TARGET = "utils/init.py"
REPLACE = [
    ("            if layer.bias is not None:\n"
     "                layer.bias.zero_()\n",
     "            layer.bias.zero_()\n"),
]
