"""TwoLayerNet.predict forgets the output bias b2."""
TARGET = "models/two_layer_net.py"


def _predict(self, X):
    w = self.weights
    h, _ = self._act_forward(X @ w["W1"] + w["b1"])
    return np.argmax(h @ w["W2"], axis=1)


TwoLayerNet.predict = _predict
