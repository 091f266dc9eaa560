"""TwoLayerNet averages the bias gradients over the batch instead of summing (1/N applied twice)."""
TARGET = "models/two_layer_net.py"

_full_forward = TwoLayerNet.forward


def _forward(self, X, y, mode="train"):
    loss, accuracy = _full_forward(self, X, y, mode)
    if mode == "train":
        for key in ("b1", "b2"):
            self.gradients[key] = self.gradients[key] / len(X)
    return loss, accuracy


TwoLayerNet.forward = _forward
