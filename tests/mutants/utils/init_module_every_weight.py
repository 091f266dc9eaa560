"""init_module_ re-initializes every parameter named weight or bias, batch norm included."""
TARGET = "utils/init.py"
REPLACE = [
    ("if not isinstance(layer, (nn.Linear, nn.Conv1d, nn.Conv2d)):",
     'if not isinstance(getattr(layer, "weight", None), nn.Parameter):'),
]
