"""SoftmaxRegression.predict dividing X in place by its largest magnitude (the labels stay right, X changes)."""
TARGET = "models/softmax_regression.py"
REPLACE = [("        scores, _ = relu_forward(X @ self.weights[\"W1\"])\n",
            "        X /= np.abs(X).max()\n        scores, _ = relu_forward(X @ self.weights[\"W1\"])\n")]
