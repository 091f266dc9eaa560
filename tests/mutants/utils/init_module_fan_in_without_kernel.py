"""init_module_ takes fan_in = in_channels for convolutions, forgetting the kernel size."""
TARGET = "utils/init.py"
REPLACE = [
    ("fan_in = layer.weight[0].numel()", "fan_in = layer.weight.shape[1]"),
]
