"""SoftmaxRegression defaults to seed=0 instead of the documented seed=1024."""
TARGET = "models/softmax_regression.py"
REPLACE = [
    ("    def __init__(self, input_size: int, num_classes: int, seed: int = 1024):\n",
     "    def __init__(self, input_size: int, num_classes: int, seed: int = 0):\n"),
]
