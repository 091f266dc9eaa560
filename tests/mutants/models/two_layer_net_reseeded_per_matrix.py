"""TwoLayerNet seeds a fresh generator for each weight matrix, so W1 and W2 start with the same numbers."""
TARGET = "models/two_layer_net.py"

_init = TwoLayerNet.__init__


def _reseeded_init(self, input_size, hidden_size, num_classes, activation="sigmoid", weight_scale=1e-3, seed=1024):
    _init(self, input_size, hidden_size, num_classes, activation, weight_scale, seed)
    self.weights["W1"] = weight_scale * np.random.default_rng(seed).standard_normal((input_size, hidden_size))
    self.weights["W2"] = weight_scale * np.random.default_rng(seed).standard_normal((hidden_size, num_classes))


TwoLayerNet.__init__ = _reseeded_init
