"""init_module_ seeding a new generator for every layer: two layers of one shape get the same weights."""
TARGET = "utils/init.py"
REPLACE = [("            fan_in = layer.weight[0].numel()\n",
            "            generator = None if seed is None else torch.Generator().manual_seed(seed)\n"
            "            fan_in = layer.weight[0].numel()\n")]
