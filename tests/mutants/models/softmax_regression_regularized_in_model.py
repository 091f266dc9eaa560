"""SoftmaxRegression adds an L2 term (reg = 1e-3) to its own gradient, so regularization is applied twice."""
TARGET = "models/softmax_regression.py"

_data_forward = SoftmaxRegression.forward


def _forward(self, X, y, mode="train"):
    loss, accuracy = _data_forward(self, X, y, mode)
    if mode == "train":
        self.gradients["W1"] = self.gradients["W1"] + 1e-3 * self.weights["W1"]
    return loss, accuracy


SoftmaxRegression.forward = _forward
