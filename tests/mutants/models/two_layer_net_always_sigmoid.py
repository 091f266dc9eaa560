"""TwoLayerNet ignores its activation argument and always uses sigmoid."""
TARGET = "models/two_layer_net.py"

_init = TwoLayerNet.__init__


def _sigmoid_init(self, input_size, hidden_size, num_classes, activation="sigmoid", weight_scale=1e-3, seed=1024):
    _init(self, input_size, hidden_size, num_classes, "sigmoid", weight_scale, seed)


TwoLayerNet.__init__ = _sigmoid_init
