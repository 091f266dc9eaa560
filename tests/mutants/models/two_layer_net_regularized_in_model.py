"""TwoLayerNet adds an L2 term (reg = 1e-3) to its weight gradients, so regularization is applied twice."""
TARGET = "models/two_layer_net.py"

_data_forward = TwoLayerNet.forward


def _forward(self, X, y, mode="train"):
    loss, accuracy = _data_forward(self, X, y, mode)
    if mode == "train":
        for key in ("W1", "W2"):
            self.gradients[key] = self.gradients[key] + 1e-3 * self.weights[key]
    return loss, accuracy


TwoLayerNet.forward = _forward
