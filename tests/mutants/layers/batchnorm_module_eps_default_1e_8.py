"""BatchNorm module with eps defaulting to 1e-8 instead of 1e-5."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("    def __init__(self, num_features: int, momentum: float = 0.1, eps: float = 1e-5):",
     "    def __init__(self, num_features: int, momentum: float = 0.1, eps: float = 1e-8):"),
]
