"""BatchNorm module raises ValueError for one value per feature in eval mode too."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("        if self.training:\n            count = x.numel() // x.shape[1]\n",
     "        if x.numel() // x.shape[1] < 2:\n"
     "            raise ValueError(\"batch norm needs more than 1 value per feature\")\n"
     "        if self.training:\n            count = x.numel() // x.shape[1]\n"),
]
