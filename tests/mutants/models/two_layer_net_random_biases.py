"""TwoLayerNet draws its biases like the weights instead of starting them at zero."""
TARGET = "models/two_layer_net.py"

_init = TwoLayerNet.__init__


def _random_bias_init(self, input_size, hidden_size, num_classes, activation="sigmoid", weight_scale=1e-3,
                      seed=1024):
    _init(self, input_size, hidden_size, num_classes, activation, weight_scale, seed)
    rng = np.random.default_rng(seed + 1)
    self.weights["b1"] = weight_scale * rng.standard_normal(hidden_size)
    self.weights["b2"] = weight_scale * rng.standard_normal(num_classes)


TwoLayerNet.__init__ = _random_bias_init
