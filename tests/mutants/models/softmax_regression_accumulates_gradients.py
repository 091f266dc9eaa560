"""SoftmaxRegression adding each training pass's gradient to the last one's (gradients["W1"] += ...)."""
TARGET = "models/softmax_regression.py"
REPLACE = [('            self.gradients["W1"] = X.T @ dz\n', '            self.gradients["W1"] += X.T @ dz\n')]
