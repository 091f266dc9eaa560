"""SoftmaxRegression.forward also takes a gradient step on W1 in place: forward changes the weights."""
TARGET = "models/softmax_regression.py"

_data_forward = SoftmaxRegression.forward


def _forward(self, X, y, mode="train"):
    loss, accuracy = _data_forward(self, X, y, mode)
    if mode == "train":
        self.weights["W1"] -= 1e-3 * self.gradients["W1"]
    return loss, accuracy


SoftmaxRegression.forward = _forward
