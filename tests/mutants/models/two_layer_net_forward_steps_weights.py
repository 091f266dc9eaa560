"""TwoLayerNet.forward also takes a gradient step on every weight in place: forward changes the weights."""
TARGET = "models/two_layer_net.py"

_data_forward = TwoLayerNet.forward


def _forward(self, X, y, mode="train"):
    loss, accuracy = _data_forward(self, X, y, mode)
    if mode == "train":
        for key in self.weights:
            self.weights[key] -= 1e-3 * self.gradients[key]
    return loss, accuracy


TwoLayerNet.forward = _forward
