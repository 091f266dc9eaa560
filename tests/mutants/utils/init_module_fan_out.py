"""init_module_ scales by fan_out (weight.shape[0]) instead of fan_in."""
TARGET = "utils/init.py"
REPLACE = [
    ("fan_in = layer.weight[0].numel()", "fan_in = layer.weight.shape[0] * layer.weight[0, 0].numel()"),
]
