"""SoftmaxRegression stores gradients in every mode, also when forward is only asked to evaluate."""
TARGET = "models/softmax_regression.py"
REPLACE = [
    ("        if mode == \"train\":\n", "        if True:\n"),
]
