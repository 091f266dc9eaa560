"""SoftmaxRegression.predict dividing W1 in place by its largest magnitude (the labels stay right, W1 changes)."""
TARGET = "models/softmax_regression.py"
REPLACE = [("        scores, _ = relu_forward(X @ self.weights[\"W1\"])\n",
            "        self.weights[\"W1\"] /= np.abs(self.weights[\"W1\"]).max()\n"
            "        scores, _ = relu_forward(X @ self.weights[\"W1\"])\n")]
