"""BatchNorm module raising ValueError for two values per feature in training (off by one: count <= 2)."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("            if count < 2:\n                raise ValueError(f\"batch norm needs more than 1 value per feature in training mode, \"\n",
     "            if count <= 2:\n                raise ValueError(f\"batch norm needs more than 1 value per feature in training mode, \"\n"),
]
