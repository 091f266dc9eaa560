"""SoftmaxRegression.predict takes the argmax over the batch axis."""
TARGET = "models/softmax_regression.py"


def _predict(self, X):
    scores, _ = relu_forward(X @ self.weights["W1"])
    return np.argmax(scores, axis=0)


SoftmaxRegression.predict = _predict
