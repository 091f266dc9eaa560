"""TwoLayerNet draws its weights with std 1e-3 whatever weight_scale says."""
TARGET = "models/two_layer_net.py"

_init = TwoLayerNet.__init__


def _fixed_init(self, input_size, hidden_size, num_classes, activation="sigmoid", weight_scale=1e-3, seed=1024):
    _init(self, input_size, hidden_size, num_classes, activation, 1e-3, seed)


TwoLayerNet.__init__ = _fixed_init
