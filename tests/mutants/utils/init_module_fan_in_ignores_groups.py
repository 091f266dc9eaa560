"""init_module_ takes a grouped convolution's fan_in as all its input channels times the kernel size."""
TARGET = "utils/init.py"
REPLACE = [("            fan_in = layer.weight[0].numel()\n",
            "            fan_in = layer.weight[0].numel() * getattr(layer, 'groups', 1)\n")]
