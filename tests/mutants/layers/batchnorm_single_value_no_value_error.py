"""batchnorm_forward never checks that training mode has more than one value per feature."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("        if count < 2:\n"
     "            raise ValueError(f\"batch norm needs more than 1 value per feature in training mode, got input {x.shape}\")\n",
     ""),
]
