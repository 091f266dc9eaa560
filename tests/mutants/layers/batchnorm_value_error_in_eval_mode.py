"""batchnorm_forward raises ValueError for one value per feature in eval mode too."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("    if training:\n        count = x.size // x.shape[1]\n",
     "    if x.size // x.shape[1] < 2:\n"
     "        raise ValueError(\"batch norm needs more than 1 value per feature\")\n"
     "    if training:\n        count = x.size // x.shape[1]\n"),
]
