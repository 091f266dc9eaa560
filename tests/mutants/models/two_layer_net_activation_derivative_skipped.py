"""TwoLayerNet backpropagates through the hidden activation as if it were the identity."""
TARGET = "models/two_layer_net.py"


def _forward(self, X, y, mode="train"):
    w = self.weights
    z1, cache1 = linear_forward(X, w["W1"], w["b1"])
    h, _ = self._act_forward(z1)
    scores, cache2 = linear_forward(h, w["W2"], w["b2"])
    loss, dscores = cross_entropy(scores, y)
    accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
    if mode == "train":
        dh, dW2, db2 = linear_backward(dscores, cache2)
        _, dW1, db1 = linear_backward(dh, cache1)
        self.gradients = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    return loss, accuracy


TwoLayerNet.forward = _forward
