"""batch norm normalizing the batch with the unbiased variance (divides by N - 1)."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("        var = x.var(axis=axes)\n", "        var = x.var(axis=axes, ddof=1)\n"),
    ("new_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)",
     "new_var = (1 - momentum) * running_var + momentum * var"),
]
