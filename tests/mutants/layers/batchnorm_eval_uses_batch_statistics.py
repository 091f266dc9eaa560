"""batch norm normalizing with the batch statistics in eval mode too."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("        mean, var = running_mean, running_var\n", "        mean, var = x.mean(axis=axes), x.var(axis=axes)\n"),
    ("return out, (xhat, gamma, inv_std, axes, training), new_mean, new_var",
     "return out, (xhat, gamma, inv_std, axes, True), new_mean, new_var"),
]
