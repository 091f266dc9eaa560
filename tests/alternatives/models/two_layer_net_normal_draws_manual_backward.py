"""TwoLayerNet drawing with rng.normal(0, weight_scale), computing the softmax gradient by hand, storing
gradients only when training (keyword check written the other way round)."""
TARGET = "models/two_layer_net.py"

_check_init = TwoLayerNet.__init__


def _init(self, input_size, hidden_size, num_classes, activation="sigmoid", weight_scale=1e-3, seed=1024):
    _check_init(self, input_size, hidden_size, num_classes, activation, weight_scale, seed)
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0.0, weight_scale, size=(input_size, hidden_size))
    W2 = rng.normal(0.0, weight_scale, size=(hidden_size, num_classes))
    self.weights = {"W1": W1, "W2": W2, "b1": np.zeros(hidden_size), "b2": np.zeros(num_classes)}
    self.gradients = {k: np.zeros(v.shape) for k, v in self.weights.items()}


def _forward(self, X, y, mode="train"):
    W1, b1, W2, b2 = (self.weights[k] for k in ("W1", "b1", "W2", "b2"))
    z1 = X @ W1 + b1
    h, act_cache = self._act_forward(z1)
    scores = h @ W2 + b2
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = X.shape[0]
    loss = float(-log_p[np.arange(n), y].sum() / n)
    accuracy = float((scores.argmax(axis=1) == y).sum() / n)
    if mode != "train":
        return loss, accuracy
    dscores = np.exp(log_p)
    dscores[np.arange(n), y] -= 1.0
    dscores = dscores / n
    dz1 = self._act_backward(dscores @ W2.T, act_cache)
    self.gradients = {"W2": h.T @ dscores, "b2": dscores.sum(axis=0), "W1": X.T @ dz1, "b1": dz1.sum(axis=0)}
    return loss, accuracy


TwoLayerNet.__init__ = _init
TwoLayerNet.forward = _forward
