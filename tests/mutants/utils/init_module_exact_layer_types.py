"""init_module_ selecting layers by their exact type, so a subclass of nn.Linear keeps its old weights."""
TARGET = "utils/init.py"
REPLACE = [("            if not isinstance(layer, (nn.Linear, nn.Conv1d, nn.Conv2d)):\n",
            "            if type(layer) not in (nn.Linear, nn.Conv1d, nn.Conv2d):\n")]
