"""SoftmaxRegression stores gradients unless mode == "valid", so mode="test" changes the gradients."""
TARGET = "models/softmax_regression.py"
REPLACE = [
    ("        if mode == \"train\":\n", "        if mode != \"valid\":\n"),
]
