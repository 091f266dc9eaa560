"""TwoLayerNet backpropagates through the hidden activation as if it were the identity."""
TARGET = "models/two_layer_net.py"
REPLACE = [
    ("dz1 = self._act_backward(dh, act_cache)", "dz1 = dh"),
]
